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
  // 受监督的 Worker（www/common/supervisor.js），各视图通用：它的状态，以及它为何死亡。
  'worker.starting': '启动中',
  'worker.alive': '运行中',
  'worker.busy': '正在执行它声明过的阻塞计算',
  'worker.late': '没有应答',
  'worker.dead': '已死亡',
  'death.silent': '它不再应答：除去它声明的阻塞计算，已有 {silentMs} 毫秒没有回复',
  'death.error': '它崩溃了：{detail}',
  'death.messageerror': '它发回的一条回复无法读取（messageerror），它的计数因此不再可信',
  'death.start': '它启动失败：{detail}',
  'death.start_timeout': '它没有在 {detail} 毫秒内启动',
  'death.restart': '它在运行中被手动重启',
  'death.named': '{name}：{why}',
  'supervisor.restart': '重启 Worker',
  'supervisor.auto': '自动重启',
};
