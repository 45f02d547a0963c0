/** Injection tokens of the service runtime. */
export const SERVICE_ENV = Symbol('SERVICE_ENV');
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const KAFKA = Symbol('KAFKA');
export const SHARED_PRODUCER = Symbol('SHARED_PRODUCER');
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
