export * from './orphans-detected.v1';
export * from './reference-rejected.v1';
