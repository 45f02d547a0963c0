export * from './problem.schema';
export * from './validation-schema';
export * from './service-document';
export * from './merge';
export * from './file-upload';
export * from './response-schema';
export * from './response-coverage';
