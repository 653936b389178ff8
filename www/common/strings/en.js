// The strings every view shares, in English: the language picker, the embed frame's bar, and a
// supervised worker's states and deaths. A view's own strings live in www/<view>/strings/en.js.
export default {
  'lang.label': 'Language',
  'embed.bar': 'Queue Playground',
  'embed.open': 'open in Queue Playground ↗',
  'embed.newTab': 'opens the full page in a new tab',
  'embed.copyLink': 'copy link',
  'embed.copied': 'link copied',
  'embed.copyByHand': 'copy this link:',
  // A supervised worker (www/common/supervisor.js), in every view: its state, and why it died.
  'worker.starting': 'starting',
  'worker.alive': 'running',
  'worker.busy': 'in blocking work it declared',
  'worker.late': 'not answering',
  'worker.dead': 'dead',
  'death.silent': 'it stopped answering: no reply for {silentMs} ms beyond any blocking work it declared',
  'death.error': 'it crashed: {detail}',
  'death.messageerror': 'a reply from it could not be read (messageerror), so its counts can no longer be trusted',
  'death.start': 'it failed to start: {detail}',
  'death.start_timeout': 'it did not start within {detail} ms',
  'death.restart': 'it was restarted by hand while it was running',
  'death.named': '{name}: {why}',
  'supervisor.restart': 'restart the worker',
  'supervisor.auto': 'restart automatically',
};
