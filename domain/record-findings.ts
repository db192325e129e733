/**
 * What a check of the case file can find (records/verify.ts, records/compare.ts; SPEC §4a), and
 * each in the words people read on the procedure page, the board and the alarms.
 */
export const FINDING_LABELS = {
  'entry-changed': '案卷记录在写入后被修改',
  'entry-missing': '案卷记录缺失',
  'head-mismatch': '案卷链尾与记录不符',
  'head-mac-invalid': '案卷链尾校验码不符（记录被无密钥改写）',
  'head-key-unknown': '案卷链尾所用密钥未配置',
  'view-changed': '案卷中的程序状态在写入后被修改',
  diverged: '程序运行被重置或回退，写入了与案卷不同的记录',
  'run-rewound': '程序运行记录被回退，短于或不同于案卷',
  'run-ended-outside-close': '程序运行在办结之前被从外部终止，期限、提醒和督办已停止',
  'run-unknown': '程序运行为重置后的新运行，案卷中无此运行',
  'record-behind': '案卷落后于程序运行（可能由旧备份恢复）',
  'no-record': '发现无案卷的程序（非经本系统启动）',
} as const;

export type FindingKind = keyof typeof FINDING_LABELS;
