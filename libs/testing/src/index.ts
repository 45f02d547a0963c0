export * from './stack';
export * from './wait';
export * from './kafka';
