package org.cxrtriage.app.security;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * A request body read in full before the request is handled: at most {@code limit} bytes, all of
 * them within {@code timeout} of the first read (a client trickling a byte every few seconds does
 * not keep a thread). The handlers downstream then read it from memory.
 */
final class RequestBody {

    private static final Set<String> WITHOUT_BODY = Set.of("GET", "HEAD", "OPTIONS", "DELETE", "TRACE");

    /** The body exceeded its limit. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("request body too large");
        }
    }

    /** The body did not arrive in time. */
    static final class TooSlow extends IOException {
        TooSlow() {
            super("request body too slow");
        }
    }

    private final byte[] bytes;

    private RequestBody(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Whether the request announces a body (a length above zero, or chunked encoding). */
    static boolean expected(HttpServletRequest request) {
        if (WITHOUT_BODY.contains(request.getMethod()) && request.getContentLengthLong() <= 0
                && request.getHeader("Transfer-Encoding") == null) {
            return false;
        }
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    static RequestBody read(HttpServletRequest request, long limit, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(request.getContentLengthLong(), 0), limit));
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                if (out.size() > limit) {
                    throw new TooLarge();
                }
                if (System.nanoTime() > deadline) {
                    throw new TooSlow();
                }
            }
        } catch (SocketTimeoutException e) {
            throw new TooSlow();
        }
        return new RequestBody(out.toByteArray());
    }

    HttpServletRequest wrap(HttpServletRequest request) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public ServletInputStream getInputStream() {
                return new Replay(bytes);
            }

            @Override
            public BufferedReader getReader() throws UnsupportedEncodingException {
                String encoding = request.getCharacterEncoding();
                Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
                return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), charset));
            }

            @Override
            public int getContentLength() {
                return bytes.length;
            }

            @Override
            public long getContentLengthLong() {
                return bytes.length;
            }
        };
    }

    private static final class Replay extends ServletInputStream {
        private final ByteArrayInputStream in;

        Replay(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                listener.onDataAvailable();
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }
}
