package io.github.osscallback.servlet;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.io.Writer;

/**
 * What the application writes to OSS, held until it has finished, then sent with an exact
 * Content-Length: OSS fails a callback (and answers the uploader 203) when the reply has no
 * Content-Length, is over 1 MB or is not JSON. Without this, a handler that writes through a
 * writer or a framework that flushes mid-way makes the container send the reply chunked.
 *
 * <p>The handler sees a response that behaves as the container's would: flushing commits it (so
 * a later reset or sendError fails), errors and redirects are the container's to write. Only the
 * framing changes. A reply that outgrows OSS's limit is logged as an error and passed on as it
 * comes; so is an asynchronous one, which the filter cannot wait for.
 *
 * <p>Servlet 4.0 API only: the module is also built for {@code javax.servlet}.
 */
final class BufferedReply extends HttpServletResponseWrapper {

    /** OSS's limit on a reply body. */
    static final int LIMIT = CallbackReply.MAX_BODY_BYTES;

    private static final System.Logger LOG = System.getLogger(OssCallbackFilter.class.getName());

    private final CallbackEndpoint endpoint;
    private final String filterName;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final Output output = new Output();
    private PrintWriter writer;
    private boolean usingStream;
    /** The handler flushed: to it the response is committed, though nothing has left yet. */
    private boolean committed;
    /** Past the limit, or asynchronous: bytes go straight to the container's stream. */
    private volatile ServletOutputStream direct;
    /** sendError or sendRedirect: the container writes the reply. */
    private boolean handedToContainer;

    BufferedReply(HttpServletResponse response, CallbackEndpoint endpoint, String filterName) {
        super(response);
        this.endpoint = endpoint;
        this.filterName = filterName;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
        usingStream = true;
        return output;
    }

    @Override
    public PrintWriter getWriter() throws UnsupportedEncodingException {
        if (writer == null) {
            if (usingStream) {
                throw new IllegalStateException("getOutputStream() has already been called for this response");
            }
            // As the container does at getWriter: the charset in use is fixed from now on.
            String charset = getCharacterEncoding() == null ? "ISO-8859-1" : getCharacterEncoding();
            super.setCharacterEncoding(charset);
            writer = new PrintWriter(new EncodingWriter(new OutputStreamWriter(output.withoutFlush(), charset)));
        }
        return writer;
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (writer == null && !isCommitted()) {
            super.setCharacterEncoding(charset);
        }
    }

    // The Content-Length is the buffer's; whatever the handler declares is not sent.

    @Override
    public void setContentLength(int length) {
    }

    @Override
    public void setContentLengthLong(long length) {
    }

    @Override
    public void setHeader(String name, String value) {
        if (!isContentLength(name)) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!isContentLength(name)) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (!isContentLength(name)) {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (!isContentLength(name)) {
            super.addIntHeader(name, value);
        }
    }

    private static boolean isContentLength(String name) {
        return "content-length".equalsIgnoreCase(name);
    }

    @Override
    public void flushBuffer() throws IOException {
        flushWriter();
        committed = true;
        if (direct != null) {
            direct.flush();
        }
    }

    @Override
    public boolean isCommitted() {
        return committed || direct != null || super.isCommitted();
    }

    @Override
    public void reset() {
        requireNotCommitted();
        super.reset();
        discard();
        writer = null;
        usingStream = false;
    }

    @Override
    public void resetBuffer() {
        requireNotCommitted();
        discard();
    }

    @Override
    public void sendError(int status, String message) throws IOException {
        requireNotCommitted();
        discard();
        handedToContainer = true;
        super.sendError(status, message);
    }

    @Override
    public void sendError(int status) throws IOException {
        requireNotCommitted();
        discard();
        handedToContainer = true;
        super.sendError(status);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        requireNotCommitted();
        discard();
        handedToContainer = true;
        super.sendRedirect(location);
    }

    private void requireNotCommitted() {
        if (isCommitted()) {
            throw new IllegalStateException("the response has already been committed");
        }
    }

    private synchronized void discard() {
        if (writer != null) {
            writer.flush(); // the encoder's pending characters belong to what is discarded
        }
        buffer.reset();
    }

    private void flushWriter() {
        if (writer != null) {
            writer.flush();
        }
    }

    /**
     * Sends what the handler wrote, once it has returned: with its exact length, or, if it went
     * asynchronous, what it has so far, and the rest as it comes.
     */
    synchronized void finish(boolean async) throws IOException {
        if (handedToContainer) {
            return;
        }
        flushWriter();
        if (async) {
            goDirect();
            return;
        }
        if (direct != null) {
            return; // over the limit: already logged, and the rest has gone out as written
        }
        if (super.isCommitted()) {
            // Something wrote around this wrapper (an API it does not know): pass the bytes on as they are.
            buffer.writeTo(super.getOutputStream());
            return;
        }
        endpoint.checkReply(getContentType(), buffer.toByteArray());
        super.setContentLength(buffer.size());
        buffer.writeTo(super.getOutputStream());
    }

    /**
     * After the handler threw: what it had flushed is passed on, as the container would have sent
     * it; anything else is dropped, for the container's error page.
     */
    synchronized void abandon() throws IOException {
        if (handedToContainer || direct != null) {
            return;
        }
        flushWriter();
        if (committed && !super.isCommitted()) {
            buffer.writeTo(super.getOutputStream());
        }
    }

    private synchronized void goDirect() throws IOException {
        if (direct == null) {
            ServletOutputStream container = super.getOutputStream();
            buffer.writeTo(container);
            buffer.reset();
            direct = container;
        }
    }

    /**
     * Encodes each write at once, so the characters are in the buffer (or, passed on, in the
     * container's stream) when the write returns: nobody flushes this writer when an
     * asynchronous reply completes, and an encoder holding characters back would lose them.
     */
    private static final class EncodingWriter extends Writer {
        private final OutputStreamWriter encoder;

        EncodingWriter(OutputStreamWriter encoder) {
            this.encoder = encoder;
        }

        @Override
        public void write(char[] chars, int off, int len) throws IOException {
            encoder.write(chars, off, len);
            encoder.flush();
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            encoder.write(s, off, len);
            encoder.flush();
        }

        @Override
        public void flush() throws IOException {
            encoder.flush();
        }

        @Override
        public void close() throws IOException {
            encoder.close();
        }
    }

    /** The stream the handler writes to (the writer, too, encodes into it). */
    private final class Output extends ServletOutputStream {
        @Override
        public void write(int b) throws IOException {
            synchronized (BufferedReply.this) {
                writeLocked(b);
            }
        }

        private void writeLocked(int b) throws IOException {
            if (direct == null && buffer.size() + 1 > LIMIT) {
                overflow(1);
            }
            if (direct != null) {
                direct.write(b);
            } else if (!handedToContainer) {
                buffer.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (BufferedReply.this) {
                writeLocked(b, off, len);
            }
        }

        private void writeLocked(byte[] b, int off, int len) throws IOException {
            if (direct == null && buffer.size() + len > LIMIT) {
                overflow(len);
            }
            if (direct != null) {
                direct.write(b, off, len);
            } else if (!handedToContainer) {
                buffer.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (direct != null) {
                direct.flush();
            }
        }

        /** This stream for the writer's encoder, whose flush after every write must not reach the container. */
        OutputStream withoutFlush() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    Output.this.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    Output.this.write(b, off, len);
                }
            };
        }

        @Override
        public boolean isReady() {
            return direct == null || direct.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            // Non-blocking output is the container's: from here on the bytes are not held.
            try {
                goDirect();
            } catch (IOException e) {
                listener.onError(e);
                return;
            }
            direct.setWriteListener(listener);
        }

        private void overflow(int adding) throws IOException {
            if (handedToContainer) {
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "{0}: the application''s reply is over {1} bytes ({2} buffered, {3}"
                    + " more written), so OSS will answer the uploader 203 CallbackFailed; it is passed on without"
                    + " a Content-Length", filterName, String.valueOf(LIMIT), String.valueOf(buffer.size()),
                    String.valueOf(adding));
            goDirect();
        }
    }

    @Override
    public String toString() {
        return "BufferedReply[" + buffer.size() + " bytes" + (direct != null ? ", passed on as written" : "") + "]";
    }
}
