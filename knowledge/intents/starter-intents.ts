/**
 * The built-in starter set of customer-service intents, Chinese first, written by the Kefu team.
 * A new workspace routes with these until its operators add their own examples. Rules are kept to
 * phrases that cannot mean anything else; the examples carry everything fuzzy.
 */
import type { IntentDefinition } from './types.ts';

/** Starter intents for an online shop's after-sales service. */
export const STARTER_INTENTS: readonly IntentDefinition[] = [
  {
    name: 'human_agent',
    description: '要求转人工客服 / wants a human agent',
    keywords: ['转人工', '人工客服', '真人客服', '找人工', '要人工'],
    patterns: ['^人工$', '(找|叫|要|接|换)(个)?(真人|客服小姐姐|活人)', '不要(机器人|自动回复)', '\\b(human|real person|live agent)\\b'],
    examples: [
      '转人工', '人工客服', '我要找人工', '帮我接一下真人', '你是机器人吗 我要人工', '叫你们客服出来',
      '能不能让真人跟我说', '别自动回复了 找个人来', '有没有人在', '客服在吗 我要跟人说话',
      '机器人听不懂 换人', '请帮我转接客服', '我要和工作人员沟通', 'talk to a human please', 'can I speak to an agent',
    ],
  },
  {
    name: 'order_status',
    description: '查询订单状态或物流进度 / order or shipment status',
    keywords: ['查订单', '查物流', '物流信息', '快递单号', '查快递'],
    patterns: ['(订单|包裹|快递|货).{0,6}(到哪|在哪|什么时候到|怎么还没到|还没(收到|到))'],
    examples: [
      '查一下我的订单', '我的快递到哪了', '物流怎么一直不动', '订单号123456现在什么状态', '包裹怎么还没到',
      '帮我看看发货了没', '几号能到货', '快递三天没更新了', '我买的东西到哪里了', '显示已签收但我没收到',
      '查物流', '订单一直显示待发货', '能帮我查下运单吗', '我的货怎么还在路上', 'where is my order', 'track my package',
    ],
  },
  {
    name: 'refund',
    description: '退款、退货、换货 / refund, return or exchange',
    keywords: ['退款', '退货', '退钱', '换货', '申请售后'],
    patterns: ['(怎么|如何|能不能|可以|我要|想)退(?!出)'],
    examples: [
      '我要退款', '怎么申请退货', '东西坏了能退吗', '不想要了可以退吗', '退款什么时候到账',
      '钱怎么还没退回来', '尺码不合适想换一个', '七天无理由退货怎么弄', '退货运费谁出', '我要把这个退了',
      '收到的是坏的 给我退钱', '申请了退款一直没处理', '想换个颜色', 'I want a refund', 'how do I return this item',
    ],
  },
  {
    name: 'delivery',
    description: '配送方式、运费、发货时间、改地址 / shipping options, fees, address',
    patterns: ['(改|修改|换)(一下)?(收货)?地址', '包邮'],
    examples: [
      '什么时候发货', '发什么快递', '能发顺丰吗', '包邮吗', '运费多少钱', '偏远地区能送吗',
      '可以送货上门吗', '下单后多久发货', '我想改一下收货地址', '能指定送货时间吗', '能寄到香港吗',
      '今天下单明天能到吗', '可以自提吗', 'do you ship to shanghai', 'how much is shipping',
    ],
  },
  {
    name: 'invoice',
    description: '开发票、发票抬头、电子发票 / invoice',
    keywords: ['发票', '开票', '税号', '抬头'],
    patterns: ['\\b(invoice|receipt)\\b'],
    examples: [
      '能开发票吗', '我要开增值税专用发票', '发票抬头写公司', '电子发票在哪里下载', '发票开错了怎么重开',
      '可以开普票吗', '发票什么时候寄出', '税号填错了', '怎么开票', '帮我补开一张发票',
      '公司报销需要发票', 'can I get an invoice', 'I need a receipt for my order',
    ],
  },
  {
    name: 'complaint',
    description: '投诉、强烈不满 / complaint',
    keywords: ['投诉', '举报', '12315', '差评'],
    examples: [
      '我要投诉', '你们服务太差了', '客服态度很恶劣', '我要给差评', '再不处理我就去12315',
      '快递员态度太差', '等了一个星期都没人管', '太失望了', '你们这是欺骗消费者', '我要举报你们',
      '这么久都不解决 什么意思', '你们就是骗子', 'I want to file a complaint', 'this is terrible service',
    ],
  },
  {
    name: 'store_hours',
    description: '营业时间、客服在线时间 / opening hours',
    patterns: ['(几点|什么时候)(开门|关门|上班|下班|营业)', '营业时间'],
    examples: [
      '你们几点开门', '营业时间是几点到几点', '周末营业吗', '客服几点下班', '晚上几点关门',
      '春节期间营业吗', '今天还开门吗', '你们客服什么时候在线', '节假日上班吗', 'what are your opening hours',
    ],
  },
  {
    name: 'store_location',
    description: '门店地址、怎么去 / store address',
    patterns: ['(门店|实体店|店铺|你们店).{0,4}(在哪|地址|位置)'],
    examples: [
      '你们门店在哪', '实体店地址是什么', '附近有线下店吗', '店铺怎么走', '北京有门店吗',
      '可以去店里看看吗', '你们的地址发我一下', '线下体验店在什么位置', 'where is your store', 'store address please',
    ],
  },
  {
    name: 'greeting',
    description: '打招呼 / greeting',
    patterns: ['^(你好|您好|在吗|在不在|早|早上好|hi|hello|hey|哈喽|嗨)[呀啊吗呢!！。~～\\s]*$'],
    examples: ['你好', '您好', '在吗', '哈喽', '嗨', '你好啊', '早上好', '晚上好', '有人吗', 'hello', 'hi there'],
  },
  {
    name: 'thanks',
    description: '致谢 / thanks',
    patterns: ['^(谢谢|多谢|感谢|谢了|thanks|thank you|thx)[您你啦了哈呀啊!！。~～\\s]*$'],
    examples: ['谢谢', '多谢', '谢谢你', '非常感谢', '辛苦了', '好的谢谢', '麻烦你了 谢谢', '感谢帮忙', 'thanks', 'thank you so much'],
  },
  {
    name: 'goodbye',
    description: '结束对话、道别 / goodbye',
    // "886" (bye-bye) stays a rule only: the classifier reads digits as a number, and as an
    // example it taught the classifier that any bare number ("1", "2") means goodbye.
    patterns: ['^(再见|拜拜|886|bye|goodbye)[啦了哈呀啊!！。~～\\s]*$'],
    examples: ['再见', '拜拜', '没事了', '好的没问题了', '先这样吧', '下次再聊', '没有其他问题了', 'bye', 'goodbye'],
  },
];

/** Fixed replies of the starter smalltalk intents (see `handlers/intent-replies.ts`). */
export const STARTER_REPLIES: Readonly<Record<string, string>> = {
  greeting: '你好！请问有什么可以帮您？可以直接问我营业时间、配送、退款、会员积分等问题。',
  thanks: '不客气，很高兴能帮到您！还有其他问题随时问我。',
  goodbye: '好的，祝您生活愉快，再见！',
};

/**
 * Utterances the starter intents must NOT claim: product questions (answered by the knowledge
 * base), account and payment topics, chit-chat. They train the `oos` class and calibrate the
 * reject threshold of the classifier.
 */
export const STARTER_OUT_OF_SCOPE_EXAMPLES: readonly string[] = [
  '这款手机支持5G吗', '这个衣服是什么材质的', '有没有大一号的', '保质期多久', '这个能用在苹果手机上吗',
  '怎么使用优惠券', '会员积分怎么算', '有什么活动吗', '能便宜一点吗', '这两款有什么区别',
  '怎么修改密码', '账号登录不上', '支付失败怎么办', '可以用花呗付款吗', '怎么绑定银行卡',
  '产品说明书在哪', '电池能用多久', '这个颜色还有货吗', '适合几岁的小孩', '洗衣机怎么清洗',
  '今天天气怎么样', '讲个笑话', '你叫什么名字', '你们老板是谁', '帮我写一首诗',
  '明天会下雨吗', '最近有什么好看的电影', '你喜欢吃什么', '我心情不好', '1+1等于几', '3', '12',
  'asdfgh', '。。。', '？', '嗯', '哦',
  'does this phone support 5g', 'what size should I buy', 'how do I reset my password', 'tell me a joke', 'is it waterproof',
];
