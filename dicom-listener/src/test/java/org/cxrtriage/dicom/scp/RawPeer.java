package org.cxrtriage.dicom.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A DICOM peer on a bare socket: sends whatever bytes a test gives it and reads PDUs back, so a
 * test sees exactly what the listener answers and when it closes. Optionally bound to another
 * loopback source address (Linux routes all of 127.0.0.0/8 to lo), to act as a different host.
 */
final class RawPeer implements AutoCloseable {

    /** A received PDU: its type and body (never more than 1 MiB is read). */
    record Pdu(int type, byte[] body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawPeer connect(int port) throws IOException {
        return connect(port, "127.0.0.1");
    }

    static RawPeer connect(int port, String sourceAddress) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        return new RawPeer(socket);
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one PDU; throws if the connection closes first. */
    Pdu read() throws IOException {
        byte[] header = in.readNBytes(6);
        if (header.length < 6) {
            throw new IOException("connection closed; " + header.length + " byte(s) of a PDU header arrived");
        }
        long length = ByteBuffer.wrap(header, 2, 4).getInt() & 0xFFFF_FFFFL;
        if (length > 1 << 20) {
            throw new IOException("the listener announced a PDU of " + length + " bytes");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("connection closed inside a PDU");
        }
        return new Pdu(header[0] & 0xFF, body);
    }

    /** Sends an A-ASSOCIATE-RQ and returns the body of the A-ASSOCIATE-AC; fails on anything else. */
    byte[] associate(byte[] associateRequest) throws IOException {
        send(associateRequest);
        Pdu answer = read();
        if (answer.type() != 0x02) {
            throw new IOException("expected A-ASSOCIATE-AC (type 2), got PDU type " + answer.type());
        }
        return answer.body();
    }

    /**
     * Sends a C-STORE request with the data set on an accepted presentation context and returns
     * the response's Status (0x0000 success) followed by its Error Comment, if any.
     */
    String store(int contextId, String sopClassUid, String sopInstanceUid, byte[] dataSet) throws Exception {
        byte[] command = new CStoreRequestCommandMessage(sopClassUid, sopInstanceUid).getBytes();
        send(Pdus.pData(contextId, true, true, command));
        int chunk = 8192;
        for (int from = 0; from < dataSet.length; from += chunk) {
            int to = Math.min(dataSet.length, from + chunk);
            byte[] fragment = java.util.Arrays.copyOfRange(dataSet, from, to);
            send(Pdus.pData(contextId, false, to == dataSet.length, fragment));
        }
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        boolean last = false;
        while (!last) {
            Pdu pdu = read();
            if (pdu.type() != 0x04) {
                throw new IOException("expected a P-DATA-TF with the C-STORE response, got PDU type " + pdu.type());
            }
            ByteBuffer items = ByteBuffer.wrap(pdu.body());
            while (items.remaining() >= 6) {
                int itemLength = items.getInt();
                items.get();
                int control = items.get() & 0xFF;
                byte[] value = new byte[itemLength - 2];
                items.get(value);
                response.writeBytes(value);
                last = (control & 0x03) == 0x03;
            }
        }
        AttributeList list = CompositeResponseHandler.getAttributeListFromCommandOrData(response.toByteArray(),
                TransferSyntax.ImplicitVRLittleEndian);
        int status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, 0xFFFF);
        String comment = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.ErrorComment);
        return String.format("0x%04X %s", status, comment).trim();
    }

    /** True when the listener closes the connection within {@code limit} (anything it sends first is skipped). */
    boolean closedWithin(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        byte[] sink = new byte[4096];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
