'use strict';
// Alibaba's Node SDK (ali-oss) as a real client of OssStandIn: uploads with callbacks and prints
// what the SDK reports as one JSON line for OssStandInNodeSdkTest to assert.
// Usage: node client.js <endpoint> <bucket> <accessKeyId> <accessKeySecret> <callbackUrl> <failingCallbackUrl> <workDir>
const fs = require('fs');
const path = require('path');
const OSS = require('ali-oss');

const [endpoint, bucket, accessKeyId, accessKeySecret, callbackUrl, failingCallbackUrl, workDir] = process.argv.slice(2);

// An IP endpoint: ali-oss then sends every request to that address with Host
// "<bucket>.<region>.aliyuncs.com", which the stand-in reads the bucket from (it never resolves that name).
const options = {
  endpoint,
  region: 'oss-cn-hangzhou',
  bucket,
  accessKeyId,
  accessKeySecret,
  secure: false,
  retryMax: 0,
  timeout: 30000
};
const client = new OSS(options);
const clientV4 = new OSS({ ...options, authorizationV4: true });

function callback(url) {
  return {
    url,
    body: 'bucket=${bucket}&object=${object}&size=${size}&x:uid=${x:uid}',
    contentType: 'application/x-www-form-urlencoded',
    customValue: { uid: '7' }
  };
}

function failure(err) {
  return { name: err.name, code: err.code, status: err.status, message: err.message };
}

async function main() {
  const out = {};

  const put = await client.put('node/put.txt', Buffer.from('uploaded by ali-oss'), { callback: callback(callbackUrl) });
  out.put = { status: put.res.status, data: put.data };

  const putV4 = await clientV4.put('node/put-v4.txt', Buffer.from('signed with V4'), { callback: callback(callbackUrl) });
  out.putV4 = { status: putV4.res.status, data: putV4.data };

  // signatureUrl refuses an IP endpoint: sign for localhost, path-style, then send to 127.0.0.1 (the host is not signed).
  const presigner = new OSS({ ...options, endpoint: endpoint.replace('//127.0.0.1:', '//localhost:'), sldEnable: true });
  const signed = presigner.signatureUrl('node/presigned.txt', {
    method: 'PUT',
    'Content-Type': 'text/plain',
    expires: 600,
    callback: callback(callbackUrl)
  });
  const presigned = await fetch(signed.replace('//localhost:', '//127.0.0.1:'), {
    method: 'PUT',
    headers: { 'Content-Type': 'text/plain' },
    body: 'presigned by ali-oss'
  });
  out.presigned = { status: presigned.status, data: await presigned.json() };

  // Over 100 KB with 100 KB parts: ali-oss uploads small files with a plain put instead.
  const file = path.join(workDir, 'multipart.bin');
  fs.writeFileSync(file, Buffer.alloc(250 * 1024, 'm'));
  const multipart = await client.multipartUpload('node/multipart.bin', file, {
    partSize: 100 * 1024,
    parallel: 1,
    callback: callback(callbackUrl)
  });
  out.multipart = { status: multipart.res.status, data: multipart.data };

  try {
    await client.put('node/failing.txt', Buffer.from('x'), { callback: callback(failingCallbackUrl) });
    out.failing = { unexpected: 'the upload succeeded' };
  } catch (err) {
    out.failing = failure(err);
  }

  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(err => {
  process.stdout.write(JSON.stringify({ error: failure(err), stack: String(err.stack) }) + '\n');
  process.exitCode = 1;
});
