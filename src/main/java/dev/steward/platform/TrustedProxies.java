package dev.steward.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The proxies whose {@code X-Forwarded-For} is believed (IPv4 and IPv6 CIDRs), and the walk that finds the client
 * behind them. Only literal addresses are parsed, never names: a header must not make the server ask DNS anything.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
    private static final Pattern IPV4_PORT = Pattern.compile("(" + IPV4.pattern() + "):\\d{1,5}");
    // starts with a hex digit or ':' and holds a ':': InetAddress then parses it as a literal and never resolves it
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]*)](?::\\d{1,5})?");

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * Parses a comma- or space-separated list such as {@code 10.0.0.0/8, 2001:db8::/32, 192.0.2.1}.
     *
     * @throws IllegalArgumentException naming the entry that is not a literal address or CIDR
     */
    public static TrustedProxies parse(String spec) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : spec == null ? new String[0] : spec.trim().split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                ranges.add(Range.parse(entry));
            }
        }
        return ranges.isEmpty() ? NONE : new TrustedProxies(List.copyOf(ranges));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean trusts(InetAddress address) {
        return ranges.stream().anyMatch(r -> r.contains(address));
    }

    /**
     * The client's address: the peer itself unless it is a trusted proxy; then the right-most address of
     * {@code X-Forwarded-For} that is not a trusted proxy (entries left of it were written by the client and may be
     * forged). An entry that is not a literal address ends the walk at the last proxy that could be identified.
     *
     * @param peer          the TCP peer ({@code getRemoteAddr()})
     * @param forwardedFor  every {@code X-Forwarded-For} header of the request, in order
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (ranges.isEmpty() || forwardedFor.isEmpty()) {
            return peer;
        }
        InetAddress current = literal(peer);
        if (current == null || !trusts(current)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                break;
            }
            current = hop;
            if (!trusts(hop)) {
                break;
            }
        }
        return current.getHostAddress();
    }

    /**
     * A literal IPv4 or IPv6 address (IPv6 optionally in brackets, either with an optional port), or null for
     * anything else; never a DNS lookup.
     */
    static InetAddress literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        String s = text;
        Matcher m = BRACKETED.matcher(s);
        if (m.matches()) {
            s = m.group(1);
        } else if ((m = IPV4_PORT.matcher(s)).matches()) {
            s = m.group(1);
        }
        return bareLiteral(s);
    }

    /** Like {@link #literal} without brackets or a port, as a setting writes it. */
    private static InetAddress bareLiteral(String s) {
        if (!IPV4.matcher(s).matches() && !IPV6.matcher(s).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** One CIDR: the network's bytes and how many leading bits must match. */
    private record Range(byte[] network, int bits) {
        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress address = bareLiteral(host);
            if (address == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR (literal addresses"
                        + " only, e.g. 10.0.0.0/8 or 2001:db8::/32)");
            }
            byte[] network = address.getAddress();
            int max = network.length * 8;
            int bits = max;
            if (slash >= 0) {
                String prefix = entry.substring(slash + 1);
                if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-" + max);
                }
                bits = Integer.parseInt(prefix);
            }
            return new Range(network, bits);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (a[whole] & mask) == (network[whole] & mask);
        }
    }
}
