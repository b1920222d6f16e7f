/**
 * The official WeChat-family test vectors, verbatim from PLATFORMS.md Appendix A (WeCom sample
 * `sbzhu/weworkapi_php`, OA `WXBizMsgCrypt` sample). Shared by the crypto tests and every sandbox's
 * tests so that adapter and sandbox are both pinned to the platform, not to each other.
 */

/** WeCom sample account (`callback/Sample.php`, `callback_json/Sample.php`). */
export const wecomSample = {
  token: 'QDG6eK',
  receiveId: 'wx5823bf96d3bd56c7',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  urlVerification: {
    msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    timestamp: '1409659589',
    nonce: '263014780',
    echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    /** The same echostr as it appears URL-encoded in the query string. */
    echostrInQuery: 'P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D',
    plaintext: '1616140317555161061',
  },
  xmlMessage: {
    msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
    timestamp: '1409659813',
    nonce: '1372623149',
    encrypt:
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
    plaintext:
      '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n' +
      '<FromUserName><![CDATA[mycreate]]></FromUserName>\n' +
      '<CreateTime>1409659813</CreateTime>\n' +
      '<MsgType><![CDATA[text]]></MsgType>\n' +
      '<Content><![CDATA[hello]]></Content>\n' +
      '<MsgId>4561255354251345929</MsgId>\n' +
      '<AgentID>218</AgentID>\n' +
      '</xml>',
  },
  jsonMessage: {
    msgSignature: '1f3153b7abd0ba99b4ab2e57fac2376110d03a3c',
    timestamp: '1409659813',
    nonce: '1372623149',
    encrypt:
      'pvXgeha3nZ7UQ2DG3WD3IVsNJR38QVl1+h+wmLQHIAwEG3Jey2aTZtvAWzhEZ9JEKGwIUMBWX3JlUhfo7O7WbvI10vHIsdSNr1nr3LuOwAfnwLJAMQNDxi5tHUl08Op59jxOL73r8+g60KOxMTaFwXzlr9Yxgq5ey5nzNb/2vDjjvDZNXkJVmL/XWnv6PXrVbTpNxphqWRv2BpPYqvwRMkHgdFliatljMVlkkRHS40FOHmtBhj/4RXtIexfDx8opBXwi0L9RTlYNQzGx+FA+74xVHG7Le/pmNDwc2Ri5mbw=',
    /** Malformed JSON in the official sample (`: :mycreate"`): compare as a string, never parse. */
    plaintext:
      '{ "ToUserName": "wx5823bf96d3bd56c7", "FromUserName": :mycreate", "CreateTime": 1409659813, ' +
      '"MsgType": "text", "Content": "hello", "MsgId": 4561255354251345929, "AgentID": 218}',
  },
} as const;

/** Official Account sample (`WXBizMsgCrypt` Sample.py / Java test); a compatibility-mode message. */
export const officialAccountSample = {
  token: 'spamtest',
  appId: 'wx2c2769f8efd9abc2',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  plainSignature: '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  originalId: 'gh_10f6c3c3ac5a',
  openId: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
  createTime: '1409735668',
  content: 'abcdteT',
  msgId: '6054768590064713728',
  plaintext:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n' +
    '<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n' +
    '<CreateTime>1409735668</CreateTime>\n' +
    '<MsgType><![CDATA[text]]></MsgType>\n' +
    '<Content><![CDATA[abcdteT]]></Content>\n' +
    '<MsgId>6054768590064713728</MsgId>\n' +
    '</xml>',
} as const;

/** The sorted-concat SHA-1 self-check of `789`, `456`, `123`. */
export const sortedSha1SelfCheck = {
  fields: ['789', '456', '123'] as const,
  signature: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441',
} as const;
