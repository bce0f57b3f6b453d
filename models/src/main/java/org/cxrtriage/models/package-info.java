/**
 * Model manifests and registry, preprocessing, ONNX Runtime inference, calibration and operating
 * points. Plain Java: depends on neither Micronaut nor the other feature modules.
 */
package org.cxrtriage.models;
