export * from './access-policy';
export * from './access.guard';
export * from './auth-env';
export * from './auth.module';
export * from './caller';
export * from './membership-source';
export * from './route-access';
export * from './token-verifier';
