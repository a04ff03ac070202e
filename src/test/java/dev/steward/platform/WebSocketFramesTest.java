package dev.steward.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WebSocketFramesTest {
    private final List<String> seen = new ArrayList<>();
    private final WebSocketFrames.Reader reader = new WebSocketFrames.Reader(1 << 20, new WebSocketFrames.Listener() {
        @Override
        public void text(String message) {
            seen.add("text:" + message);
        }

        @Override
        public void ping(byte[] payload) {
            seen.add("ping:" + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void close(int code, String reason) {
            seen.add("close:" + code + ":" + reason);
        }
    });

    /** A client frame as RFC 6455 has it: masked with a random key. */
    private static byte[] clientFrame(boolean fin, int opcode, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (payload.length < 126) {
            b.put((byte) (0x80 | payload.length));
        } else if (payload.length <= 0xFFFF) {
            b.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            b.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        byte[] mask = new byte[4];
        new Random(payload.length).nextBytes(mask);
        b.put(mask);
        for (int i = 0; i < payload.length; i++) b.put((byte) (payload[i] ^ mask[i & 3]));
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void handshakeAnswerIsTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketFrames.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void messagesOfEverySizeArriveWholeWhateverTheReadBoundaries() throws Exception {
        String big = "é".repeat(40_000); // 80,000 bytes: the 64-bit length form
        String medium = "x".repeat(300); // the 16-bit length form
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(clientFrame(true, WebSocketFrames.TEXT, utf8("{\"a\":1}")));
        wire.writeBytes(clientFrame(true, WebSocketFrames.TEXT, utf8(medium)));
        wire.writeBytes(clientFrame(true, WebSocketFrames.PING, utf8("p")));
        wire.writeBytes(clientFrame(true, WebSocketFrames.TEXT, utf8(big)));
        byte[] bytes = wire.toByteArray();
        for (int i = 0; i < bytes.length; i += 7) reader.feed(bytes, i, Math.min(7, bytes.length - i));
        assertEquals(List.of("text:{\"a\":1}", "text:" + medium, "ping:p", "text:" + big), seen);
    }

    @Test
    void payloadsOfEveryLengthAroundTheEightByteStepsAreUnmasked() throws Exception {
        List<String> sent = new java.util.ArrayList<>();
        for (int n = 0; n <= 40; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < n; i++) text.append((char) ('a' + (i * 7 + n) % 26));
            sent.add("text:" + text);
            byte[] frame = clientFrame(true, WebSocketFrames.TEXT, utf8(text.toString()));
            reader.feed(frame, 0, frame.length);
        }
        assertEquals(sent, seen);
    }

    @Test
    void aFragmentedMessageMayHaveAPingInside() throws Exception {
        feed(clientFrame(false, WebSocketFrames.TEXT, utf8("hel")));
        feed(clientFrame(true, WebSocketFrames.PING, utf8("1")));
        feed(clientFrame(false, 0, utf8("lo ")));
        feed(clientFrame(true, 0, utf8("world")));
        assertEquals(List.of("ping:1", "text:hello world"), seen);
    }

    @Test
    void framesAfterCloseAreIgnored() throws Exception {
        feed(clientFrame(true, WebSocketFrames.CLOSE, ByteBuffer.allocate(4).putShort((short) 1001).put(utf8("by")).array()));
        feed(clientFrame(true, WebSocketFrames.TEXT, utf8("late")));
        assertEquals(List.of("close:1001:by"), seen);
    }

    @Test
    void violationsCarryTheirCloseCodes() {
        assertEquals(1002, violation(new byte[] {(byte) 0x81, 0x01, 'x'}), "unmasked");
        assertEquals(1007, violation(clientFrame(true, WebSocketFrames.TEXT, new byte[] {(byte) 0xC3, 0x28})), "bad UTF-8");
        assertEquals(1009, violation(clientFrame(true, WebSocketFrames.TEXT, new byte[(1 << 20) + 1])), "too big");
        assertEquals(1003, violation(clientFrame(true, WebSocketFrames.BINARY, new byte[] {1})), "binary");
        assertEquals(1002, violation(clientFrame(true, 0, utf8("x"))), "continuation without a message");
        byte[] negative = java.nio.ByteBuffer.allocate(14).put((byte) 0x81).put((byte) (0x80 | 127)).putLong(-5)
                .putInt(0).array();
        assertEquals(1002, violation(negative), "a 64-bit length with its top bit set");
    }

    @Test
    void aLimitRaisedByTheListenerAppliesFromTheNextFrame() throws Exception {
        List<String> texts = new ArrayList<>();
        WebSocketFrames.Reader[] small = new WebSocketFrames.Reader[1];
        small[0] = new WebSocketFrames.Reader(10, new WebSocketFrames.Listener() {
            @Override
            public void text(String message) {
                texts.add(message);
                small[0].limit(1000); // as /events/in does once the auth frame is through
            }

            @Override
            public void ping(byte[] payload) { }

            @Override
            public void close(int code, String reason) { }
        });
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(clientFrame(true, WebSocketFrames.TEXT, utf8("auth")));
        both.write(clientFrame(true, WebSocketFrames.TEXT, utf8("x".repeat(500))));
        small[0].feed(both.toByteArray(), 0, both.size());
        assertEquals(List.of("auth", "x".repeat(500)), texts);
        WebSocketFrames.Reader fresh = new WebSocketFrames.Reader(10, new WebSocketFrames.Listener() {
            @Override
            public void text(String message) { }

            @Override
            public void ping(byte[] payload) { }

            @Override
            public void close(int code, String reason) { }
        });
        byte[] eleven = clientFrame(true, WebSocketFrames.TEXT, utf8("x".repeat(11)));
        assertEquals(1009, assertThrows(WebSocketFrames.ProtocolException.class,
                () -> fresh.feed(eleven, 0, eleven.length)).code, "over the limit before it is raised");
    }

    /** The close code a fresh connection's reader answers these bytes with (a violation ends the connection). */
    private static int violation(byte[] bytes) {
        WebSocketFrames.Reader fresh = new WebSocketFrames.Reader(1 << 20, new WebSocketFrames.Listener() {
            @Override
            public void text(String message) { }

            @Override
            public void ping(byte[] payload) { }

            @Override
            public void close(int code, String reason) { }
        });
        return assertThrows(WebSocketFrames.ProtocolException.class, () -> fresh.feed(bytes, 0, bytes.length)).code;
    }

    @Test
    void serverFramesAreUnmaskedWithTheShortestLength() {
        assertArrayEquals(new byte[] {(byte) 0x8A, 0x02, 'o', 'k'}, WebSocketFrames.frame(WebSocketFrames.PONG, utf8("ok")));
        byte[] medium = WebSocketFrames.text("y".repeat(200));
        assertEquals(126, medium[1]);
        assertEquals(200, ((medium[2] & 0xFF) << 8) | (medium[3] & 0xFF));
    }

    private void feed(byte[] bytes) throws WebSocketFrames.ProtocolException {
        reader.feed(bytes, 0, bytes.length);
    }

    @Test
    void closeReasonsAreCutToTheProtocolsBytesWithoutSplittingACharacter() {
        assertEquals("short", WebSocketFrames.closeReason("short"));
        String wide = "é".repeat(100); // 200 bytes
        String cut = WebSocketFrames.closeReason(wide);
        assertEquals(61, cut.length());
        assertEquals(122, cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        String emoji = "😀".repeat(40); // 4 bytes each
        assertEquals(30 * 2, WebSocketFrames.closeReason(emoji).length());
    }
}
