package dev.steward.it;

import dev.steward.devstack.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client over a plain socket that writes whatever frames a test asks for, valid or not (unmasked,
 * reserved bits, unknown opcodes, lengths that lie, half frames), and reads the server's frames as they come.
 */
final class RawWebSocket implements AutoCloseable {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    /** What {@link #awaitClose} answers when the connection ended without a close frame. */
    static final int NO_CLOSE_FRAME = -1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** A server frame: its opcode and payload (for a close frame, the code is in the first two bytes). */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        /** A close frame's code and reason, e.g. {@code 1008 Invalid token}. */
        String closeText() {
            return closeCode() + (payload.length > 2 ? " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "");
        }
    }

    private RawWebSocket(Socket socket, DataInputStream in) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
    }

    /** The answer to an upgrade request: its status line, and the connection when it was 101. */
    record Handshake(String status, RawWebSocket socket) {}

    /** Connects to {@code path} of the test stack's app and completes the upgrade (subprotocol prefect). */
    static RawWebSocket open(String path) throws IOException {
        Handshake h = handshake(path, "13", true);
        if (h.socket() == null) throw new IOException("no upgrade: " + h.status());
        return h.socket();
    }

    /** Sends an upgrade request ({@code version} as Sec-WebSocket-Version, with or without a key). */
    static Handshake handshake(String path, String version, boolean withKey) throws IOException {
        URI app = URI.create(TestStack.get().appUrl());
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(app.getHost(), app.getPort()), 10_000);
        socket.setSoTimeout(20_000);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + app.getHost() + ":" + app.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: " + version + "\r\n"
                + (withKey ? "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n" : "")
                + "Sec-WebSocket-Protocol: prefect\r\nUser-Agent: steward-it\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String status = readHead(in).lines().findFirst().orElse("");
        if (status.contains(" 101 ")) return new Handshake(status, new RawWebSocket(socket, in));
        socket.close();
        return new Handshake(status, null);
    }

    /** The response head, up to the empty line (byte by byte: what follows belongs to the WebSocket). */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * One frame as given: {@code rsv} goes into bits 4-6 of the first byte; {@code masked} as clients must. The frame
     * goes out in one write: in pieces, the server may close on the header before the rest is written (broken pipe).
     */
    void frame(int opcode, byte[] payload, boolean fin, boolean masked, int rsv) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(header(opcode, payload.length, fin, masked, rsv));
        byte[] mask = new byte[4];
        if (masked) {
            RANDOM.nextBytes(mask);
            frame.write(mask);
        }
        byte[] body = payload.clone();
        if (masked) {
            for (int i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
        }
        frame.write(body);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A frame header alone, declaring {@code length} bytes (masked, with a zero mask), in one write. */
    void headerOnly(int opcode, long length) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(header(opcode, length, true, true, 0));
        frame.write(new byte[4]);
        out.write(frame.toByteArray());
        out.flush();
    }

    private static byte[] header(int opcode, long length, boolean fin, boolean masked, int rsv) {
        ByteBuffer b = ByteBuffer.allocate(10);
        b.put((byte) ((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (length >= 0 && length < 126) {
            b.put((byte) (maskBit | length));
        } else if (length >= 0 && length <= 0xFFFF) {
            b.put((byte) (maskBit | 126)).putShort((short) length);
        } else {
            b.put((byte) (maskBit | 127)).putLong(length);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    void text(String text) throws IOException {
        frame(TEXT, text.getBytes(StandardCharsets.UTF_8), true, true, 0);
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** What {@link #read} answers when nothing came in time (the connection may still be open). */
    static final Frame TIMED_OUT = new Frame(-1, new byte[0]);

    /** The next frame from the server; null when the connection ended, {@link #TIMED_OUT} when nothing came in time. */
    Frame read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) length = in.readUnsignedShort();
            else if (length == 127) length = in.readLong();
            if ((b1 & 0x80) != 0) in.readInt(); // servers do not mask, but skip a mask if one came
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(b0 & 0x0F, payload);
        } catch (SocketTimeoutException e) {
            return TIMED_OUT;
        } catch (EOFException e) {
            return null;
        } catch (IOException e) {
            return null; // reset by the server
        }
    }

    /** The next text frame (skipping pongs), or null if the connection closed or nothing came in time. */
    String readText(Duration timeout) throws IOException {
        for (Frame f = read(timeout); f != null && f != TIMED_OUT; f = read(timeout)) {
            if (f.opcode() == TEXT) return f.text();
            if (f.opcode() == CLOSE) return null;
        }
        return null;
    }

    /** The code of the server's close frame, skipping other frames; {@link #NO_CLOSE_FRAME} if the connection just ended. */
    int awaitClose(Duration timeout) throws IOException {
        for (Frame f = read(timeout); ; f = read(timeout)) {
            if (f == TIMED_OUT) throw new AssertionError("the server neither closed nor ended the connection within " + timeout);
            if (f == null) return NO_CLOSE_FRAME;
            if (f.opcode() == CLOSE) return f.closeCode();
        }
    }

    /** The server's close frame as {@link Frame#closeText}, skipping other frames; "no close frame" if the connection just ended. */
    String awaitCloseText(Duration timeout) throws IOException {
        for (Frame f = read(timeout); ; f = read(timeout)) {
            if (f == TIMED_OUT) throw new AssertionError("the server neither closed nor ended the connection within " + timeout);
            if (f == null) return "no close frame";
            if (f.opcode() == CLOSE) return f.closeText();
        }
    }

    /** Waits for the pong to a ping with this payload; false if the connection ended or nothing came in time. */
    boolean pingPong(byte[] payload, Duration timeout) throws IOException {
        frame(PING, payload, true, true, 0);
        for (Frame f = read(timeout); f != null && f != TIMED_OUT; f = read(timeout)) {
            if (f.opcode() == PONG) return java.util.Arrays.equals(f.payload(), payload);
            if (f.opcode() == CLOSE) return false;
        }
        return false;
    }

    /** Ends the TCP connection at once, without a close frame. */
    void abort() {
        try {
            socket.setSoLinger(true, 0); // a reset, not an orderly FIN
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }
}
