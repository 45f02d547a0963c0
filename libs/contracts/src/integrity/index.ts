export * from './integrity-services';
export * from './reference-handlers';
export * from './reference-registry';
