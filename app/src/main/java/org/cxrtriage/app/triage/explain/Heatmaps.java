package org.cxrtriage.app.triage.explain;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.triage.StudyImages;
import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.ImageRow;
import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.dicom.image.UndecodableImageException;
import org.cxrtriage.models.explain.OcclusionSensitivity;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Heatmaps of where the model's score changes, computed on request per scored result with the very
 * model file that scored it ({@link OcclusionSensitivity} on the preprocessed image it scored) and
 * kept in {@code finding_heatmap} per finding and model SHA-256, so each is computed once (and
 * deleted with the image's pixel data after the retention period). They are
 * for the viewer only: nothing that is delivered (SR, HL7, notifications) reads this table, and no
 * heatmap is ever drawn into an image.
 */
@Singleton
public final class Heatmaps {

    private static final Logger log = LoggerFactory.getLogger(Heatmaps.class);

    /**
     * One finding's overlay: a PNG of the model input's size, to be drawn over {@code box} of the image.
     *
     * @param maxDrop the largest drop of the calibrated probability anywhere in the map
     */
    public record Heatmap(byte[] png, double maxDrop, Box box, long computeMillis, boolean cached) {
    }

    /** Where the model input lies on the image, in image pixels (the manifest's crop). */
    public record Box(int x, int y, int width, int height) {
        String text() {
            return x + "," + y + "," + width + "," + height;
        }

        static Box parse(String text) {
            String[] parts = text.split(",");
            return new Box(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                    Integer.parseInt(parts[3]));
        }
    }

    /** Why there is no heatmap: said to the user as it is. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    private final Sql sql;
    private final WorklistQueries queries;
    private final ModelRegistry models;
    private final StorageConfig storage;
    private final Map<Long, CompletableFuture<Void>> computing = new ConcurrentHashMap<>();

    public Heatmaps(Sql sql, WorklistQueries queries, ModelRegistry models, StorageConfig storage) {
        this.sql = sql;
        this.queries = queries;
        this.models = models;
        this.storage = storage;
    }

    /** The heatmap of one finding: from the cache, else computed (with those of its result's other findings). */
    public Heatmap of(FindingRow finding) throws SQLException, Unavailable {
        ResultRow result = queries.scoredResult(finding.resultId())
                .orElseThrow(() -> new Unavailable("the finding's model run did not score the study"));
        Optional<Heatmap> cached = cached(finding.id(), result.modelSha256());
        if (cached.isPresent()) {
            return cached.get();
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = computing.putIfAbsent(result.id(), mine);
        if (running == null) {
            try {
                compute(result);
                mine.complete(null);
            } catch (Unavailable | SQLException | RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                computing.remove(result.id());
            }
        } else {
            try {
                running.join();
            } catch (CompletionException e) {
                throw new Unavailable("the heatmap could not be computed: " + e.getCause().getMessage());
            }
        }
        Optional<Heatmap> computed = cached(finding.id(), result.modelSha256());
        return computed.map(h -> new Heatmap(h.png(), h.maxDrop(), h.box(), h.computeMillis(), false))
                .orElseThrow(() -> new Unavailable("no heatmap for this finding"));
    }

    private void compute(ResultRow result) throws SQLException, Unavailable {
        LoadedModel model = models.current().all().stream()
                .filter(loaded -> loaded.manifest().sha256().equals(result.modelSha256())).findFirst()
                .orElseThrow(() -> new Unavailable("the model that scored this study (" + result.modelId() + " "
                        + result.modelVersion() + ") is no longer loaded; a heatmap is only computed with the model that scored"));
        Path file = queries.images(result.studyUid()).stream()
                .filter(image -> image.sopInstanceUid().equals(result.sopInstanceUid())).findFirst()
                .map(ImageRow::spoolPath).map(storage.dataDir()::resolve).filter(Files::exists)
                .orElseThrow(() -> new Unavailable("the scored image's pixel data is no longer kept"));
        long start = System.nanoTime();
        DecodedImage image;
        try {
            image = PixelDecoder.decode(file);
        } catch (UndecodableImageException e) {
            throw new Unavailable("the scored image cannot be decoded: " + e.getMessage());
        }
        float[] input = StudyImages.input(image, model.preprocessor());
        OcclusionSensitivity.Maps maps = OcclusionSensitivity.compute(model, input, OcclusionSensitivity.Settings.standard());
        long millis = (System.nanoTime() - start) / 1_000_000;
        Box box = box(model.manifest().preprocessing(), image.width(), image.height());
        List<Object[]> rows = new ArrayList<>();
        for (FindingRow finding : queries.findings(result.id())) {
            int index = maps.findingKeys().indexOf(finding.key());
            if (index < 0) {
                continue;
            }
            try {
                rows.add(new Object[] {finding.id(), result.modelSha256(), HeatmapPng.render(maps.drops().get(index),
                        maps.width(), maps.height(), maps.maxDrop(index)), maps.maxDrop(index), box.text(), millis,
                        Instant.now().atOffset(ZoneOffset.UTC)});
            } catch (IOException e) {
                throw new Unavailable("the heatmap could not be encoded: " + e.getMessage());
            }
        }
        sql.inTransaction(connection -> {
            Sql.update(connection, "DELETE FROM finding_heatmap WHERE model_sha256 = ? AND finding_result_id IN"
                    + " (SELECT id FROM finding_result WHERE result_id = ?)", result.modelSha256(), result.id());
            Sql.batch(connection, """
                    INSERT INTO finding_heatmap (finding_result_id, model_sha256, png, max_drop, box, compute_millis, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""", rows);
            return null;
        });
        log.info("heatmaps of result {} (study {}) computed in {} ms, {} occlusions", result.id(), result.studyUid(), millis,
                maps.occlusions());
    }

    private Optional<Heatmap> cached(long findingId, String sha256) throws SQLException {
        return sql.queryOne("SELECT png, max_drop, box, compute_millis FROM finding_heatmap"
                        + " WHERE finding_result_id = ? AND model_sha256 = ?",
                row -> new Heatmap(row.getBytes(1), row.getDouble(2), Box.parse(row.getString(3)), row.getLong(4), true),
                findingId, sha256);
    }

    /**
     * Heatmaps outlive nothing they were made from: once retention has deleted the scored image's
     * pixel data, its heatmaps go too.
     */
    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void forgetPurged() {
        try {
            int deleted = sql.update("""
                    DELETE FROM finding_heatmap WHERE finding_result_id IN (
                      SELECT f.id FROM finding_result f JOIN triage_result r ON r.id = f.result_id
                        JOIN instance i ON i.sop_instance_uid = r.sop_instance_uid
                       WHERE i.pixels_deleted_at IS NOT NULL)""");
            if (deleted > 0) {
                log.info("{} heatmap(s) deleted with their studies' pixel data", deleted);
            }
        } catch (SQLException e) {
            log.error("could not delete the heatmaps of purged studies: {}", e.getMessage());
        }
    }

    /** The part of the image the preprocessing fed to the model: a centred square when the manifest crops, else all of it. */
    static Box box(ModelManifest.Preprocessing preprocessing, int width, int height) {
        if (preprocessing.crop() == ModelManifest.Crop.CENTER_SQUARE && width != height) {
            int side = Math.min(width, height);
            return new Box((width - side) / 2, (height - side) / 2, side, side);
        }
        return new Box(0, 0, width, height);
    }
}
