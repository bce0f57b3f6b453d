package org.cxrtriage.app.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attacker of the DoS finding, on bare sockets from loopback addresses of its own: it keeps up
 * to N connections to the listener, each doing one hostile thing slowly, and re-opens every
 * connection the listener closes (after a second or two), so the pressure never lets up.
 * <ul>
 *   <li>{@link Kind#TRICKLED_REQUEST}: a valid A-ASSOCIATE-RQ, one byte every few seconds;</li>
 *   <li>{@link Kind#HALF_SENT_REQUEST}: half an A-ASSOCIATE-RQ at once, then a byte every few seconds;</li>
 *   <li>{@link Kind#OVERSIZED_REQUEST_CLAIM}: an A-ASSOCIATE-RQ header claiming 0x7FFFFFF0 bytes;</li>
 *   <li>{@link Kind#P_DATA_CLAIM_2_GB} and {@link Kind#P_DATA_CLAIM_768_MIB}: a valid negotiation,
 *       then a P-DATA-TF header claiming 0x7FFFFFF0 or 0x30000000 bytes, then a trickle.</li>
 * </ul>
 * Two threads do all of it, so the attack costs the test machine little: one drives the slow kinds
 * from one address, the other the negotiating kinds, one connection at a time, from a second
 * address (so they are not starved of the first address's slots by the slow kinds, and their
 * hostile headers reliably reach negotiated associations).
 */
final class HostileClients implements AutoCloseable {

    enum Kind { TRICKLED_REQUEST, HALF_SENT_REQUEST, OVERSIZED_REQUEST_CLAIM, P_DATA_CLAIM_2_GB, P_DATA_CLAIM_768_MIB }

    private static final long TRICKLE_MILLIS = 2500;

    private final int port;
    private final byte[] request;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Kind, AtomicLong> delivered = new EnumMap<>(Kind.class);
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closedByListener = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private volatile boolean running = true;

    private static final class Connection {
        final Kind kind;
        final InetAddress source;
        Socket socket;
        boolean connected;
        int requestBytesSent;
        long nextAt;

        Connection(Kind kind, InetAddress source) {
            this.kind = kind;
            this.source = source;
        }
    }

    private HostileClients(int port, String calledAe) {
        this.port = port;
        this.request = associateRequest(calledAe);
        for (Kind kind : Kind.values()) {
            delivered.put(kind, new AtomicLong());
        }
    }

    /**
     * Starts {@code count} hostile connections, the kinds in equal shares: the slow kinds from
     * {@code slowSource}, the negotiating kinds from {@code negotiatingSource}.
     */
    static HostileClients start(int port, String slowSource, String negotiatingSource, int count) throws IOException {
        HostileClients clients = new HostileClients(port, "CXRTRIAGE");
        InetAddress slowAddress = InetAddress.getByName(slowSource);
        InetAddress negotiatingAddress = InetAddress.getByName(negotiatingSource);
        List<Connection> slow = new ArrayList<>();
        List<Connection> negotiating = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Kind kind = Kind.values()[i % Kind.values().length];
            if (kind.ordinal() < Kind.P_DATA_CLAIM_2_GB.ordinal()) {
                slow.add(new Connection(kind, slowAddress));
            } else {
                negotiating.add(new Connection(kind, negotiatingAddress));
            }
        }
        clients.launch("hostile-slow", slow);
        clients.launch("hostile-negotiating", negotiating);
        return clients;
    }

    private void launch(String name, List<Connection> connections) {
        Thread thread = new Thread(() -> drive(connections), name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void drive(List<Connection> connections) {
        Random random = new Random(connections.size());
        while (running) {
            long now = System.currentTimeMillis();
            for (Connection connection : connections) {
                if (!running) {
                    break;
                }
                if (now < connection.nextAt) {
                    continue;
                }
                try {
                    if (connection.socket == null) {
                        open(connection);
                    } else {
                        trickle(connection);
                    }
                    connection.nextAt = System.currentTimeMillis() + TRICKLE_MILLIS;
                } catch (IOException closed) {
                    drop(connection);
                    closedByListener.incrementAndGet();
                    connection.nextAt = System.currentTimeMillis() + 1000 + random.nextInt(1000);
                }
            }
            pause(20);
        }
        connections.forEach(this::drop);
    }

    private void open(Connection connection) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(connection.source, 0));
        connection.socket = socket;
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(2000);
        connection.connected = true;
        opened.incrementAndGet();
        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        switch (connection.kind) {
            case TRICKLED_REQUEST -> send(connection, request, 0, 1);
            case HALF_SENT_REQUEST -> send(connection, request, 0, request.length / 2);
            case OVERSIZED_REQUEST_CLAIM -> socket.getOutputStream().write(header(0x01, 0x7FFF_FFF0L));
            case P_DATA_CLAIM_2_GB -> claimAfterNegotiation(connection, 0x7FFF_FFF0L);
            case P_DATA_CLAIM_768_MIB -> claimAfterNegotiation(connection, 0x3000_0000L);
        }
    }

    /** Negotiates Verification, then announces a P-DATA-TF of {@code claim} bytes and sends a few. */
    private void claimAfterNegotiation(Connection connection, long claim) throws IOException {
        send(connection, request, 0, request.length);
        InputStream in = connection.socket.getInputStream();
        byte[] answer = in.readNBytes(6);
        if (answer.length < 6 || answer[0] != 0x02) {
            throw new IOException("not accepted");
        }
        in.readNBytes(ByteBuffer.wrap(answer, 2, 4).getInt());
        connection.socket.getOutputStream().write(header(0x04, claim));
        connection.socket.getOutputStream().write(new byte[16]);
        delivered.get(connection.kind).incrementAndGet();
    }

    private void trickle(Connection connection) throws IOException {
        boolean requestLeft = connection.kind.ordinal() <= Kind.HALF_SENT_REQUEST.ordinal()
                && connection.requestBytesSent < request.length - 1;
        if (requestLeft) {
            send(connection, request, connection.requestBytesSent, 1);
        } else {
            connection.socket.getOutputStream().write(0);
        }
    }

    private static void send(Connection connection, byte[] bytes, int from, int length) throws IOException {
        connection.socket.getOutputStream().write(bytes, from, length);
        connection.socket.getOutputStream().flush();
        connection.requestBytesSent = from + length;
    }

    private void drop(Connection connection) {
        if (connection.socket != null) {
            try {
                connection.socket.close();
            } catch (IOException ignored) {
                // gone either way
            }
            if (connection.connected) {
                open.decrementAndGet();
            }
            connection.socket = null;
            connection.connected = false;
            connection.requestBytesSent = 0;
        }
    }

    long opened() {
        return opened.get();
    }

    long closedByListener() {
        return closedByListener.get();
    }

    int mostOpenAtOnce() {
        return mostOpen.get();
    }

    /** Hostile P-DATA-TF headers that reached the listener after it had accepted the association. */
    long delivered(Kind kind) {
        return delivered.get(kind).get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    private static byte[] header(int type, long length) {
        return ByteBuffer.allocate(6).put((byte) type).put((byte) 0).putInt((int) length).array();
    }

    /** A valid A-ASSOCIATE-RQ proposing Verification (PS3.8 9.3.2). */
    private static byte[] associateRequest(String calledAe) {
        byte[] applicationContext = item(0x10, "1.2.840.10008.3.1.1.1");
        byte[] abstractSyntax = item(0x30, "1.2.840.10008.1.1");
        byte[] transferSyntax = item(0x40, "1.2.840.10008.1.2");
        ByteBuffer context = ByteBuffer.allocate(4 + 4 + abstractSyntax.length + transferSyntax.length);
        context.put((byte) 0x20).put((byte) 0).putShort((short) (4 + abstractSyntax.length + transferSyntax.length))
                .put(new byte[] {1, 0, 0, 0}).put(abstractSyntax).put(transferSyntax);
        byte[] userInformation = {0x50, 0, 0, 8, 0x51, 0, 0, 4, 0, 0, 0x40, 0};
        int bodyLength = 68 + applicationContext.length + context.capacity() + userInformation.length;
        ByteBuffer pdu = ByteBuffer.allocate(6 + bodyLength);
        pdu.put((byte) 0x01).put((byte) 0).putInt(bodyLength).putShort((short) 1).putShort((short) 0)
                .put(String.format("%-16s", calledAe).getBytes(StandardCharsets.US_ASCII))
                .put(String.format("%-16s", "HOSTILE").getBytes(StandardCharsets.US_ASCII))
                .put(new byte[32]).put(applicationContext).put(context.array()).put(userInformation);
        return pdu.array();
    }

    private static byte[] item(int type, String uid) {
        byte[] value = uid.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(4 + value.length).put((byte) type).put((byte) 0).putShort((short) value.length)
                .put(value).array();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
