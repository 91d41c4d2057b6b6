#!/usr/bin/env node
// A wallet's side of holder binding, made with Digital Bazaar's libraries (no Rung code): generate an
// Ed25519 did:key and sign a DID Authentication presentation (no credentials, proof purpose
// "authentication") for the challenge and domain Rung gave.
//
// Reads {"challenge": "...", "domain": "...", "seedHex"?: "..."} on stdin and prints
// {"did": "did:key:z6Mk…", "presentation": {...}, "jwk": {...public key...}}.

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as vc from '@digitalbazaar/vc';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function documentLoader(url) {
  if(credentialsContexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: credentialsContexts.get(url)};
  }
  throw new Error(`refusing to load ${url}`);
}

const input = await readStdin();
const seed = input.seedHex ? Uint8Array.from(Buffer.from(input.seedHex, 'hex')) : undefined;
const keyPair = await Ed25519Multikey.generate({seed});
const did = `did:key:${keyPair.publicKeyMultibase}`;
keyPair.controller = did;
keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
const presentation = vc.createPresentation({holder: did, version: 2.0});
const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
const signed = await vc.signPresentation({
  presentation, suite, challenge: input.challenge, domain: input.domain, documentLoader
});
const jwk = await Ed25519Multikey.toJwk({keyPair});
console.log(JSON.stringify({did, presentation: signed, jwk}));
