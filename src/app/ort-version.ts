/**
 * The ONNX Runtime Web build the app ships, for the variant measurements' device fingerprint
 * (its kernels decide which variant is fastest). Written out rather than imported from
 * package.json, which would put the whole dependency list into the page bundle; a unit test
 * (tests/unit/ort-version.test.ts) fails when it drifts from the installed package.
 */
export const ORT_VERSION = '1.31.0-dev.20260914-8d85527a0';
