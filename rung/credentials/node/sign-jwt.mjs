#!/usr/bin/env node
// A VC-JWT made entirely outside Rung, with `jose` (its key named as a did:key by ed25519-multikey):
// reads a credential (JSON) on stdin, prints a vc+jwt signed by a fresh did:key that is its issuer.

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {SignJWT, exportJWK, generateKeyPair} from 'jose';

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const credential = JSON.parse(Buffer.concat(chunks).toString('utf8'));
// jose makes the key; ed25519-multikey spells its public half as the did:key.
const {publicKey, privateKey: key} = await generateKeyPair('EdDSA', {crv: 'Ed25519'});
const keyPair = await Ed25519Multikey.fromJwk({jwk: await exportJWK(publicKey)});
const did = `did:key:${keyPair.publicKeyMultibase}`;
credential.issuer = did;
const jwt = await new SignJWT(credential)
  .setProtectedHeader({alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: `${did}#${keyPair.publicKeyMultibase}`})
  .sign(key);
console.log(jwt);
