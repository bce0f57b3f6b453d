package org.cxrtriage.app.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.worklist.ImageRow;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.cxrtriage.compliance.AuditAction;
import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.dicom.image.UndecodableImageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import static org.cxrtriage.app.web.WorklistController.user;

/**
 * A study's pixels for the viewer, rendered on the server from the spooled DICOM so that nothing
 * leaves unaudited: every image at full resolution (16-bit codes the browser windows itself, see
 * {@link ViewerPixels}), a small thumbnail of each, and the frontal preview. Each fetch is audited
 * as {@code study.image} before the file is read. Nothing is ever drawn on an image.
 */
@Controller("/api/studies")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class ImageController {

    private static final int THUMBNAIL_SIDE = 160;

    private final WorklistQueries queries;
    private final StorageConfig storage;
    private final AuditTrail audit;

    public ImageController(WorklistQueries queries, StorageConfig storage, AuditTrail audit) {
        this.queries = queries;
        this.storage = storage;
        this.audit = audit;
    }

    /**
     * The image at full resolution: {@code application/octet-stream} of width x height uint16
     * little-endian codes, described by the {@code X-Image-*}
     * headers; the decoding and encoding times are in {@code Server-Timing}.
     */
    @Get("/{uid}/images/{sop}/pixels")
    public HttpResponse<byte[]> pixels(@PathVariable String uid, @PathVariable String sop, HttpRequest<?> request)
            throws SQLException, IOException {
        audit.user(user(request), AuditAction.STUDY_IMAGE, uid, List.of(References.imagingStudy(uid)), true,
                AccessFilter.source(request), "web viewer, full-resolution pixels of instance " + sop);
        Optional<Path> file = file(uid, sop);
        if (file.isEmpty()) {
            return HttpResponse.notFound();
        }
        long start = System.nanoTime();
        DecodedImage image;
        try {
            image = PixelDecoder.decode(file.get());
        } catch (UndecodableImageException e) {
            return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY);
        }
        long decoded = System.nanoTime();
        ViewerPixels pixels = ViewerPixels.of(image);
        long encoded = System.nanoTime();
        return HttpResponse.ok(pixels.body()).contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("X-Image-Width", Integer.toString(pixels.width()))
                .header("X-Image-Height", Integer.toString(pixels.height()))
                .header("X-Image-Offset", Double.toString(pixels.offset()))
                .header("X-Image-Scale", Double.toString(pixels.scale()))
                .header("X-Image-Window-Center", Double.toString(pixels.windowCenter()))
                .header("X-Image-Window-Width", Double.toString(pixels.windowWidth()))
                .header("X-Image-Window-Source", pixels.windowSource())
                .header("X-Image-Bits-Stored", Integer.toString(pixels.bitsStored()))
                .header("Server-Timing", "decode;dur=" + (decoded - start) / 1_000_000 + ", encode;dur="
                        + (encoded - decoded) / 1_000_000);
    }

    /** A small 8-bit rendering of one image, in its own window, for the thumbnail strip. */
    @Get(value = "/{uid}/images/{sop}/thumbnail.png", produces = MediaType.IMAGE_PNG)
    public HttpResponse<byte[]> thumbnail(@PathVariable String uid, @PathVariable String sop, HttpRequest<?> request)
            throws SQLException, IOException {
        audit.user(user(request), AuditAction.STUDY_IMAGE, uid, List.of(References.imagingStudy(uid)), true,
                AccessFilter.source(request), "web viewer, thumbnail of instance " + sop);
        Optional<Path> file = file(uid, sop);
        if (file.isEmpty()) {
            return HttpResponse.notFound();
        }
        try {
            return HttpResponse.ok(PreviewRenderer.render(file.get(), THUMBNAIL_SIDE));
        } catch (UndecodableImageException e) {
            return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY);
        }
    }

    @Get(value = "/{uid}/preview.png", produces = MediaType.IMAGE_PNG)
    public HttpResponse<byte[]> preview(@PathVariable String uid, HttpRequest<?> request) throws SQLException, IOException {
        audit.user(user(request), AuditAction.STUDY_IMAGE, uid, List.of(References.imagingStudy(uid)), true,
                AccessFilter.source(request), "web worklist preview image");
        var path = queries.previewSpoolPath(uid);
        if (path.isEmpty()) {
            return HttpResponse.notFound();
        }
        Path file = storage.dataDir().resolve(path.get());
        if (!Files.exists(file)) {
            // Deleted after the retention period; the worklist item and its scores remain.
            return HttpResponse.status(HttpStatus.GONE);
        }
        try {
            return HttpResponse.ok(PreviewRenderer.render(file, 1024));
        } catch (UndecodableImageException e) {
            return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY);
        }
    }

    /** The spooled file of one instance of the study, if its pixels are still kept. */
    private Optional<Path> file(String uid, String sop) throws SQLException {
        return queries.images(uid).stream().filter(image -> image.sopInstanceUid().equals(sop)).findFirst()
                .map(ImageRow::spoolPath).map(storage.dataDir()::resolve).filter(Files::exists);
    }
}
