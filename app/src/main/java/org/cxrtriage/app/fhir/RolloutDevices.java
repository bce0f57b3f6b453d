package org.cxrtriage.app.fhir;

import org.cxrtriage.app.audit.ModelDevice;
import org.cxrtriage.app.triage.rollout.ModelVersion;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Quantity;

import java.util.Map;

/**
 * One Device per installed model version with its rollout state: status active while the version
 * runs (shadow, canary or active), inactive otherwise, and properties naming the rollout state and,
 * for a canary, its share and callers. A version that has produced results keeps the Device built
 * from them, with the rollout added.
 */
final class RolloutDevices {

    static final String ROLLOUT_STATE = "rollout-state";

    private RolloutDevices() {
    }

    static void addTo(Map<String, Device> devices, Iterable<ModelVersion> versions) {
        for (ModelVersion version : versions) {
            String id = ModelDevice.id(version.modelId(), version.version(), version.sha256());
            Device device = devices.computeIfAbsent(id, key -> installed(key, version));
            device.setStatus(version.state().runs() ? Device.FHIRDeviceStatus.ACTIVE : Device.FHIRDeviceStatus.INACTIVE);
            device.getProperty().removeIf(property -> ROLLOUT_STATE.equals(property.getType().getText())
                    || "canary-share".equals(property.getType().getText()));
            device.addProperty().setType(new CodeableConcept().setText(ROLLOUT_STATE))
                    .addValueCode(new CodeableConcept().setText(version.state().code()));
            if (version.canaryPercent().isPresent()) {
                device.addProperty().setType(new CodeableConcept().setText("canary-share"))
                        .addValueQuantity(new Quantity().setValue(version.canaryPercent().get()).setUnit("%")
                                .setSystem("http://unitsofmeasure.org").setCode("%"))
                        .addValueCode(new CodeableConcept().setText(version.share()));
            }
            if (version.siteCalibration().isEmpty()) {
                device.addNote().setText(ModelVersion.NOT_SITE_CALIBRATED);
            }
        }
    }

    private static Device installed(String id, ModelVersion version) {
        Device device = new Device();
        device.setId(id);
        device.addIdentifier().setSystem("urn:cxr-triage:model-sha256").setValue(version.sha256());
        device.addDeviceName().setName(version.modelId()).setType(Device.DeviceNameType.MODELNAME);
        device.addVersion().setValue(version.version()).getType().setText("model version");
        device.addVersion().setValue(version.calibrationVersions()).getType().setText("calibration version");
        device.addNote().setText("AI triage model version, installed " + version.installedAt() + ". " + FhirResources.DISCLAIMER);
        return device;
    }
}
