package dev.steward.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CIDR matching and the X-Forwarded-For walk behind {@link ClientAddresses}. */
class TrustedProxiesTest {
    private static final List<String> XFF = List.of("203.0.113.7");

    @Test
    void nobodyIsTrustedByDefault() {
        TrustedProxies none = TrustedProxies.parse("");
        assertTrue(none.isEmpty());
        assertEquals("127.0.0.1", none.clientAddress("127.0.0.1", XFF));
        assertTrue(TrustedProxies.parse(null).isEmpty());
        assertTrue(TrustedProxies.parse("  ").isEmpty());
    }

    @Test
    void ipv4Ranges() {
        TrustedProxies p = TrustedProxies.parse("10.0.0.0/8, 192.168.1.128/25 172.28.0.10");
        assertTrue(p.trusts(ip("10.255.0.1")));
        assertFalse(p.trusts(ip("11.0.0.1")));
        assertTrue(p.trusts(ip("192.168.1.200")));
        assertFalse(p.trusts(ip("192.168.1.127")));
        assertTrue(p.trusts(ip("172.28.0.10")));
        assertFalse(p.trusts(ip("172.28.0.11")));
        assertFalse(p.trusts(ip("::1")), "an IPv6 address is not in an IPv4 range");
        assertTrue(TrustedProxies.parse("0.0.0.0/0").trusts(ip("8.8.8.8")));
        // host bits set in the network are ignored, as in most CIDR parsers
        assertTrue(TrustedProxies.parse("10.1.2.3/8").trusts(ip("10.9.9.9")));
    }

    @Test
    void ipv6Ranges() {
        TrustedProxies p = TrustedProxies.parse("2001:db8::/32,fd00::1,fe80::/10");
        assertTrue(p.trusts(ip("2001:db8:ffff::1")));
        assertFalse(p.trusts(ip("2001:db9::1")));
        assertTrue(p.trusts(ip("fd00:0:0:0:0:0:0:1")));
        assertFalse(p.trusts(ip("fd00::2")));
        assertTrue(p.trusts(ip("febf::1")));
        assertFalse(p.trusts(ip("fec0::1")));
        assertFalse(p.trusts(ip("10.0.0.1")));
        // an IPv4-mapped IPv6 address is the IPv4 address
        assertTrue(TrustedProxies.parse("10.0.0.0/8").trusts(ip("::ffff:10.0.0.1")));
    }

    @Test
    void theWalkTakesTheRightMostAddressThatIsNotATrustedProxy() {
        TrustedProxies p = TrustedProxies.parse("10.0.0.0/8");
        // one proxy
        assertEquals("203.0.113.7", p.clientAddress("10.0.0.2", XFF));
        // the client forged a left part: only what the trusted proxy appended counts
        assertEquals("203.0.113.7", p.clientAddress("10.0.0.2", List.of("198.51.100.1, 203.0.113.7")));
        // two trusted proxies in a row
        assertEquals("203.0.113.7", p.clientAddress("10.0.0.2", List.of("198.51.100.1, 203.0.113.7, 10.0.0.9")));
        // several headers are one list, in order
        assertEquals("203.0.113.7", p.clientAddress("10.0.0.2", List.of("198.51.100.1", "203.0.113.7,10.0.0.9")));
        // only proxies: the left-most one is the nearest to the client that is known
        assertEquals("10.0.0.5", p.clientAddress("10.0.0.2", List.of("10.0.0.5, 10.0.0.9")));
        // no header: the proxy itself
        assertEquals("10.0.0.2", p.clientAddress("10.0.0.2", List.of()));
        // IPv6 clients, in brackets and with ports too
        assertEquals("2001:db8:0:0:0:0:0:1", p.clientAddress("10.0.0.2", List.of("2001:db8::1")));
        assertEquals("2001:db8:0:0:0:0:0:1", p.clientAddress("10.0.0.2", List.of("[2001:db8::1]:4711")));
        assertEquals("203.0.113.7", p.clientAddress("10.0.0.2", List.of("203.0.113.7:4711")));
    }

    @Test
    void theHeaderIsIgnoredFromAnyoneElse() {
        TrustedProxies p = TrustedProxies.parse("10.0.0.0/8");
        assertEquals("127.0.0.1", p.clientAddress("127.0.0.1", XFF));
        assertEquals("198.51.100.1", p.clientAddress("198.51.100.1", List.of("10.0.0.1")));
    }

    @Test
    void anEntryThatIsNoAddressEndsTheWalk() {
        TrustedProxies p = TrustedProxies.parse("10.0.0.0/8");
        assertEquals("10.0.0.2", p.clientAddress("10.0.0.2", List.of("unknown")));
        assertEquals("10.0.0.9", p.clientAddress("10.0.0.2", List.of("203.0.113.7, localhost, 10.0.0.9")));
        assertEquals("10.0.0.2", p.clientAddress("10.0.0.2", List.of("")));
        assertEquals("10.0.0.2", p.clientAddress("10.0.0.2", List.of("1.2.3")));
    }

    @Test
    void onlyLiteralsAreAddresses() {
        // names, legacy IPv4 forms and zone ids are not parsed, so nothing is ever looked up
        for (String s : List.of("localhost", "example.com", "deadbeef", "127.1", "0x7f.0.0.1", "1.2.3.4.5",
                "256.0.0.1", "fe80::1%eth0", "g::1", ".::1", "::1::2")) {
            assertNull(TrustedProxies.literal(s), s);
        }
        assertEquals(ip("::1"), TrustedProxies.literal("::1"));
        assertEquals(ip("192.0.2.1"), TrustedProxies.literal("192.0.2.1"));
    }

    @Test
    void aBadSettingNamesTheEntry() {
        for (String bad : List.of("10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x", "proxy.internal",
                "10.0.0.0/8,nginx", "[::1]", "10.0.0.1:80")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(bad));
            assertTrue(e.getMessage().contains("'"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/8,nginx"))
                .getMessage().contains("'nginx'"));
    }

    private static InetAddress ip(String literal) {
        InetAddress a = TrustedProxies.literal(literal);
        if (a == null) throw new AssertionError(literal);
        return a;
    }
}
