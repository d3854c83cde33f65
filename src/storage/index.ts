export * from './object-store.js';
export { createFsStore } from './fs-store.js';
export { createS3Store, type S3StoreOptions } from './s3-store.js';
