package dev.steward.platform;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The server side of RFC 6455 framing, for the one endpoint that cannot run on the container's WebSocket
 * implementation: {@code /events/in}. Prefect's client treats the pong to its ping as the confirmation of every event
 * it sent before; a JSR-356 container (Tyrus here) answers a ping itself the moment it reads it, so the events ahead
 * of the ping would have to be committed one by one. Reading the frames ourselves lets the endpoint commit the events
 * of a whole read in one transaction and answer the ping only after that commit. No extensions are negotiated.
 */
public final class WebSocketFrames {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;
    private static final int CONTINUATION = 0x0;
    private static final String HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketFrames() {}

    /** The Sec-WebSocket-Accept answer to a client's Sec-WebSocket-Key. */
    public static String acceptKey(String clientKey) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((clientKey.trim() + HANDSHAKE_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * A client frame's payload, unmasked into a new array eight bytes at a time: every event sent over
     * {@code /events/in} passes here, and the byte-by-byte loop (its mask index defeats the JIT's vectorizing) was a
     * visible share of the ingest's CPU.
     */
    static byte[] unmasked(byte[] buf, int payloadAt, int length, int maskAt) {
        byte[] out = new byte[length];
        long mask4 = (buf[maskAt] & 0xFFL) | (buf[maskAt + 1] & 0xFFL) << 8 | (buf[maskAt + 2] & 0xFFL) << 16
                | (buf[maskAt + 3] & 0xFFL) << 24;
        long mask8 = mask4 | mask4 << 32; // byte i of the payload takes mask byte i % 4; i % 8 == 0 at each long
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            LONGS.set(out, i, (long) LONGS.get(buf, payloadAt + i) ^ mask8);
        }
        for (; i < length; i++) {
            out[i] = (byte) (buf[payloadAt + i] ^ buf[maskAt + (i & 3)]);
        }
        return out;
    }

    /** One unfragmented, unmasked server frame. */
    public static byte[] frame(int opcode, byte[] payload) {
        int len = payload.length;
        int header = len < 126 ? 2 : len <= 0xFFFF ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(header + len);
        b.put((byte) (0x80 | opcode));
        if (len < 126) {
            b.put((byte) len);
        } else if (len <= 0xFFFF) {
            b.put((byte) 126).putShort((short) len);
        } else {
            b.put((byte) 127).putLong(len);
        }
        return b.put(payload).array();
    }

    public static byte[] text(String text) {
        return frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] close(int code, String reason) {
        byte[] r = closeReason(reason).getBytes(StandardCharsets.UTF_8);
        return frame(CLOSE, ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array());
    }

    /** A close reason cut to the 123 bytes of UTF-8 the protocol allows, never inside a character. */
    public static String closeReason(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= 123) return reason;
        int end = reason.length();
        while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > 123) {
            end--;
            if (Character.isLowSurrogate(reason.charAt(end))) end--;
        }
        return reason.substring(0, end);
    }

    /** What the reader hands on, in the order the frames arrived. */
    public interface Listener {
        void text(String message);

        void ping(byte[] payload);

        void close(int code, String reason);
    }

    /** A violation of the protocol: the connection is closed with {@link #code}. */
    public static final class ProtocolException extends Exception {
        public final int code;

        ProtocolException(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /**
     * An incremental parser of client frames: {@link #feed} any number of bytes as they arrive; each complete message
     * reaches the listener. Client frames must be masked; control frames may interleave a fragmented message.
     */
    public static final class Reader {
        private int maxMessageBytes;
        private final Listener listener;
        private byte[] buf = new byte[16 * 1024];
        private int start;
        private int end;
        private byte[] message; // a fragmented message being assembled, or null
        private int messageLength;
        private int messageOpcode;
        private boolean closed; // frames after a close frame are ignored

        public Reader(int maxMessageBytes, Listener listener) {
            this.maxMessageBytes = maxMessageBytes;
            this.listener = listener;
        }

        /**
         * Changes the largest message taken from the next frame on, e.g. raised once a connection has authenticated
         * (the listener may call it while it handles a message).
         */
        public void limit(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        public void feed(byte[] data, int off, int len) throws ProtocolException {
            reserve(len);
            System.arraycopy(data, off, buf, end, len);
            end += len;
            while (parseFrame()) {
                // each call consumes one complete frame
            }
        }

        /** Room for {@code more} bytes after {@code end}: compacts, then grows. */
        private void reserve(int more) {
            if (end + more <= buf.length) return;
            int live = end - start;
            if (live + more > buf.length) {
                buf = Arrays.copyOfRange(buf, start, start + Math.max(buf.length * 2, live + more));
            } else {
                System.arraycopy(buf, start, buf, 0, live);
            }
            start = 0;
            end = live;
        }

        private boolean parseFrame() throws ProtocolException {
            int available = end - start;
            if (closed || available < 2) return false;
            int b0 = buf[start] & 0xFF;
            int b1 = buf[start + 1] & 0xFF;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if ((b0 & 0x70) != 0) throw new ProtocolException(1002, "Reserved bits set without an extension");
            if ((b1 & 0x80) == 0) throw new ProtocolException(1002, "Client frames must be masked");
            long length = b1 & 0x7F;
            int header = 2;
            if (length == 126) {
                if (available < 4) return false;
                length = ((buf[start + 2] & 0xFF) << 8) | (buf[start + 3] & 0xFF);
                header = 4;
            } else if (length == 127) {
                if (available < 10) return false;
                length = ByteBuffer.wrap(buf, start + 2, 8).getLong();
                header = 10;
            }
            boolean control = opcode >= 0x8;
            if (control && (!fin || length > 125)) throw new ProtocolException(1002, "Invalid control frame");
            if (length < 0) throw new ProtocolException(1002, "Invalid frame length"); // the top bit must be 0
            if (length > maxMessageBytes) throw new ProtocolException(1009, "Message too big");
            int frameLength = header + 4 + (int) length;
            if (available < frameLength) {
                reserve(frameLength - available);
                return false;
            }
            int maskAt = start + header;
            byte[] payload = unmasked(buf, maskAt + 4, (int) length, maskAt);
            start += frameLength;
            if (start == end) {
                start = 0;
                end = 0;
            }
            dispatch(fin, opcode, payload);
            return true;
        }

        private void dispatch(boolean fin, int opcode, byte[] payload) throws ProtocolException {
            switch (opcode) {
                case PING -> listener.ping(payload);
                case PONG -> { }
                case CLOSE -> {
                    closed = true;
                    int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    String reason = payload.length > 2 ? utf8(Arrays.copyOfRange(payload, 2, payload.length)) : "";
                    listener.close(code, reason);
                }
                case TEXT, BINARY -> {
                    if (message != null) throw new ProtocolException(1002, "A new message inside a fragmented one");
                    if (fin) {
                        deliver(opcode, payload);
                    } else {
                        message = payload;
                        messageLength = payload.length;
                        messageOpcode = opcode;
                    }
                }
                case CONTINUATION -> {
                    if (message == null) throw new ProtocolException(1002, "A continuation without a message");
                    if ((long) messageLength + payload.length > maxMessageBytes) {
                        throw new ProtocolException(1009, "Message too big");
                    }
                    if (messageLength + payload.length > message.length) {
                        message = Arrays.copyOf(message, Math.max(message.length * 2, messageLength + payload.length));
                    }
                    System.arraycopy(payload, 0, message, messageLength, payload.length);
                    messageLength += payload.length;
                    if (fin) {
                        byte[] whole = Arrays.copyOf(message, messageLength);
                        message = null;
                        deliver(messageOpcode, whole);
                    }
                }
                default -> throw new ProtocolException(1002, "Unknown opcode " + opcode);
            }
        }

        private void deliver(int opcode, byte[] payload) throws ProtocolException {
            if (opcode == BINARY) throw new ProtocolException(1003, "Only text messages are accepted");
            listener.text(utf8(payload));
        }

        private static String utf8(byte[] bytes) throws ProtocolException {
            try {
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes));
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw new ProtocolException(1007, "Text is not valid UTF-8");
            }
        }
    }
}
