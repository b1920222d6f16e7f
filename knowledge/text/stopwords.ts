/**
 * Default Chinese stopwords for retrieval: particles, pronouns and politeness that carry no topic.
 * Deliberately short: question words (怎么, 为什么, 多少, 哪里) and negations (不, 没有) stay,
 * because in customer-service questions they separate "how do I open X" from "why can't I open X".
 */
export const defaultStopwords: readonly string[] = [
  '的', '了', '吗', '呢', '啊', '吧', '呀', '哦', '嘛', '哈', '啦', '么', '哇', '嗯', '噢', '喔',
  '我', '你', '您', '我们', '你们', '他', '她', '它', '他们', '自己', '咱',
  '是', '在', '和', '与', '及', '或', '就', '也', '都', '还', '又', '把', '被', '给', '让', '对',
  '这', '那', '这个', '那个', '这样', '那样', '一个', '个', '之', '其', '而', '从', '向', '于',
  '请问', '请', '麻烦', '谢谢', '您好', '你好', '亲', '一下', '下', '有点', '就是', '然后', '但是',
  '可是', '如果', '因为', '所以', '现在', '已经', '的话', '时候', '问', '想', '要', '会',
];

/**
 * Interrogative words. They tell questions apart ("how do I open X" vs "why can't I open X"), so
 * question matching keeps them, but answers do not repeat them: matching against answer text
 * drops them.
 */
export const interrogativeWords: readonly string[] = [
  '什么', '什么时候', '怎么', '为什么', '哪些', '哪个', '哪里', '哪儿', '多少', '多久', '几', '吗', '能不能',
  '可以', '有没有', '是不是', '会不会', '要不要', '好不好', '如何', '怎么办', '啥', '呢', '好',
];
