// The strings every view shares, in Chinese (terms: shared/zh-glossary.md); the same keys as
// ./en.js, which tests/e2e check.
export default {
  'lang.label': '语言',
  'embed.bar': '队列演练场',
  'embed.open': '在队列演练场中打开 ↗',
  'embed.newTab': '在新标签页中打开完整页面',
  'embed.copyLink': '复制链接',
  'embed.copied': '链接已复制',
  'embed.copyByHand': '请手动复制此链接：',
};
