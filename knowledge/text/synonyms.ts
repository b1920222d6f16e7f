/**
 * Built-in synonym map (variant → canonical word), applied at index and query time after
 * segmentation. Only colloquial spellings that mean the same thing in any shop's customer service;
 * domain synonyms belong in a workspace's own map.
 */
export const defaultSynonyms: Readonly<Record<string, string>> = {
  咋: '怎么',
  咋么: '怎么',
  肿么: '怎么',
  怎样: '怎么',
  如何: '怎么',
  怎么样: '怎么',
  啥: '什么',
  神马: '什么',
  为啥: '为什么',
  干嘛: '为什么',
  为何: '为什么',
  怎么回事: '为什么',
  咋回事: '为什么',
  何时: '什么时候',
  啥时候: '什么时候',
  多长时间: '多久',
  帐户: '账户',
  帐号: '账号',
  帐单: '账单',
  到帐: '到账',
  转帐: '转账',
  登陆: '登录',
  木有: '没有',
  没: '没有',
  退钱: '退款',
  退费: '退款',
  能否: '能不能',
  可不可以: '能不能',
  多少钱: '价格',
  手机号码: '手机号',
  电话号码: '电话',
};
