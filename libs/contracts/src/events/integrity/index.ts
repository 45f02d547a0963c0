export * from './orphans-detected.v1';
