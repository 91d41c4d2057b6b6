#!/usr/bin/env node
// Independent check of Rung's VC-JWTs with the `jose` library: resolves the kid (a did:key, or a
// DID document given on stdin) to a JWK with Digital Bazaar's ed25519-multikey and verifies the JWS.
//
// Reads {"jwt": "...", "didDocuments": {did: document}} on stdin and prints
// {"verified": bool, "header": {...}, "payload": {...}, "error": string|null}; exit 0 if verified.

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {compactVerify, decodeProtectedHeader, importJWK} from 'jose';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function multikeyFor(kid, didDocuments) {
  const did = kid.split('#')[0];
  if(did.startsWith('did:key:')) {
    return did.slice('did:key:'.length);
  }
  const document = didDocuments[did];
  const method = document && (document.verificationMethod || []).find(m => m.id === kid);
  if(!method) {
    throw new Error(`no key for ${kid}`);
  }
  return method.publicKeyMultibase;
}

async function main() {
  const input = await readStdin();
  try {
    const header = decodeProtectedHeader(input.jwt);
    const keyPair = await Ed25519Multikey.from({
      publicKeyMultibase: multikeyFor(header.kid, input.didDocuments || {})
    });
    const key = await importJWK(await Ed25519Multikey.toJwk({keyPair}), 'EdDSA');
    const {payload} = await compactVerify(input.jwt, key, {algorithms: ['EdDSA']});
    console.log(JSON.stringify({
      verified: true, header, payload: JSON.parse(new TextDecoder().decode(payload)), error: null
    }));
    return 0;
  } catch(e) {
    console.log(JSON.stringify({verified: false, error: e.message}));
    return 1;
  }
}

main().then(code => {
  process.exitCode = code;
});
