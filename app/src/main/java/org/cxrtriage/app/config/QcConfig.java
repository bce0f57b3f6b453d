package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Min;
import org.cxrtriage.dicom.qc.QcPolicy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What makes a study scorable ({@code triage.qc.*}): patients under {@code minAgeYears}
 * (TRIAGE_QC_MIN_AGE, default 18) are not scored by the adult models; images need
 * {@code minSizePixels} a side; {@code chestBodyParts}, {@code modalities} (radiographs) and
 * {@code secondaryCaptureModalities} (captured images, scored only when body part or description
 * names the chest) are comma-separated.
 */
@ConfigurationProperties("triage.qc")
public record QcConfig(
        @Bindable(defaultValue = "18") @Min(0) int minAgeYears,
        @Bindable(defaultValue = "256") @Min(1) int minSizePixels,
        @Bindable(defaultValue = "CHEST,THORAX,LUNG,PORT CHEST") String chestBodyParts,
        @Bindable(defaultValue = "CR,DX") String modalities,
        @Bindable(defaultValue = "OT,SC") String secondaryCaptureModalities) {

    public QcPolicy policy() {
        return new QcPolicy(minAgeYears, minSizePixels, set(chestBodyParts), set(modalities), set(secondaryCaptureModalities));
    }

    private static Set<String> set(String list) {
        return Arrays.stream(list.split(",")).map(value -> value.strip().toUpperCase(Locale.ROOT))
                .filter(value -> !value.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /** The policy as a bean, for the triage pipeline. */
    @Factory
    static final class Policy {
        @Singleton
        QcPolicy qcPolicy(QcConfig config) {
            return config.policy();
        }
    }
}
