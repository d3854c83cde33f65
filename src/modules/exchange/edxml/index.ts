// edXML (QCVN 102:2016, amended 2022): build and read document and status packages, streamed.
// A pure library: no database, no HTTP. See README.md in this folder.
export * from './types.js';
export {
  buildDocumentId, parseDocumentId, formatEdxmlDate, formatEdxmlTime, parseEdxmlDate, parseEdxmlTime,
  priorityOfUrgency, urgencyOfPriority, type DocumentIdParts, type Urgency,
} from './convert.js';
export {
  createHeaderTap, readPackage, readPackageHeader,
  type HeaderReadOptions, type HeaderTap, type PackageRead, type ReadPackageOptions,
} from './reader.js';
export { checkSealTrust, verifyHeaderXml, type SealKey, type SealTrust } from './signature.js';
export { writeDocumentPackage, writeStatusPackage, type WriteOptions } from './writer.js';
