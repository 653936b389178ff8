// The strings every view shares, in English: the language picker, the embed frame's bar, and
// the site's navigation. A view's own strings live in www/<view>/strings/en.js.
export default {
  'lang.label': 'Language',
  'embed.bar': 'Queue Playground',
  'embed.open': 'open in Queue Playground ↗',
  'embed.newTab': 'opens the full page in a new tab',
  'embed.copyLink': 'copy link',
  'embed.copied': 'link copied',
  'embed.copyByHand': 'copy this link:',
};
