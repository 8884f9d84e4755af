using System.Collections.Frozen;
using System.Globalization;
using SmartAudit.Core.Cases;

namespace SmartAudit.Workbench;

/// <summary>The workbench's labels in Chinese and English. A key with no label shows as the key, so a gap is visible, not blank.</summary>
public sealed class WorkbenchText
{
    private static readonly FrozenDictionary<string, (string Zh, string En)> Labels = new Dictionary<string, (string, string)>
    {
        ["app"] = ("医保智能审核 · 稽核工作台", "SmartAudit · case review"),
        ["nav.queue"] = ("待审案件", "Case queue"),
        ["nav.dashboard"] = ("统计看板", "Dashboard"),
        ["nav.signout"] = ("退出", "Sign out"),
        ["nav.language"] = ("English", "中文"),
        ["nav.skip"] = ("跳到正文", "Skip to content"),
        ["signin.title"] = ("登录", "Sign in"),
        ["signin.user"] = ("用户名", "User name"),
        ["signin.password"] = ("密码", "Password"),
        ["signin.submit"] = ("登录", "Sign in"),
        ["signin.oidc"] = ("使用单位统一身份认证登录", "Sign in with your organisation's account"),
        ["signin.failed"] = ("用户名或密码不正确", "The user name or password is wrong"),
        ["denied.title"] = ("无权访问", "Not allowed"),
        ["denied.text"] = ("您的账号没有稽核工作台的角色（审核员或组长）。", "Your account has no workbench role (reviewer or lead)."),
        ["queue.title"] = ("待审案件", "Case queue"),
        ["queue.filters"] = ("筛选", "Filters"),
        ["queue.apply"] = ("筛选", "Apply"),
        ["queue.reset"] = ("清除", "Clear"),
        ["queue.export"] = ("导出 CSV", "Export CSV"),
        ["queue.count"] = ("共 {0} 件", "{0} cases"),
        ["queue.empty"] = ("没有符合条件的案件。", "No case matches the filters."),
        ["queue.caption"] = ("按风险从高到低排列", "Riskiest first"),
        ["queue.page"] = ("第 {0} / {1} 页", "Page {0} of {1}"),
        ["queue.prev"] = ("上一页", "Previous"),
        ["queue.next"] = ("下一页", "Next"),
        ["queue.pager"] = ("翻页", "Pages"),
        ["field.hospital"] = ("医院", "Hospital"),
        ["field.doctor"] = ("医生", "Doctor"),
        ["field.rule"] = ("规则", "Rule"),
        ["field.stage"] = ("环节", "Stage"),
        ["field.status"] = ("状态", "Status"),
        ["field.from"] = ("标记日期自", "Flagged from"),
        ["field.to"] = ("至", "to"),
        ["field.any"] = ("全部", "Any"),
        ["field.risk"] = ("风险", "Risk"),
        ["field.case"] = ("案件", "Case"),
        ["field.flaggedAt"] = ("标记时间", "Flagged"),
        ["field.rules"] = ("命中规则", "Rules"),
        ["field.score"] = ("欺诈评分", "Fraud score"),
        ["field.flaggedAmount"] = ("疑点金额", "Amount in question"),
        ["field.claimAmount"] = ("结算金额", "Claim amount"),
        ["field.assigned"] = ("经办人", "Assigned to"),
        ["field.patient"] = ("参保人", "Insured person"),
        ["field.encounter"] = ("就诊", "Encounter"),
        ["field.department"] = ("科室", "Department"),
        ["field.level"] = ("医院级别", "Hospital level"),
        ["field.ruleSet"] = ("规则版本", "Rule set"),
        ["field.model"] = ("模型版本", "Model"),
        ["field.deduct"] = ("扣减金额", "Amount deducted"),
        ["stage.PRE"] = ("事前", "PRE"),
        ["stage.MID"] = ("事中", "MID"),
        ["stage.POST"] = ("事后", "POST"),
        ["status.Open"] = ("未办结", "Open"),
        ["status.All"] = ("全部", "All"),
        ["status.AwaitingFirstReview"] = ("待初审", "Awaiting first review"),
        ["status.AwaitingSecondReview"] = ("待复审", "Awaiting second review"),
        ["status.NeedsInformation"] = ("待补充材料", "Needs information"),
        ["status.Confirmed"] = ("确认违规", "Confirmed violation"),
        ["status.FalsePositive"] = ("误报", "False positive"),
        ["outcome.Confirmed"] = ("确认违规", "Confirmed violation"),
        ["outcome.FalsePositive"] = ("误报", "False positive"),
        ["outcome.NeedsInformation"] = ("需补充材料", "Needs more information"),
        ["step.FirstReview"] = ("初审", "First review"),
        ["step.SecondReview"] = ("复审", "Second review"),
        ["step.Reversal"] = ("改判", "Reversal"),
        ["step.Reassign"] = ("转派", "Reassign"),
        ["role.Reviewer"] = ("审核员", "Reviewer"),
        ["role.Lead"] = ("组长", "Lead"),
        ["case.summary"] = ("基本信息", "Claim"),
        ["case.findings"] = ("规则命中", "Findings"),
        ["case.lines"] = ("明细", "Lines"),
        ["case.fraud"] = ("欺诈模型", "Fraud model"),
        ["case.fraud.none"] = ("此案件未经模型评分。", "The model did not score this case."),
        ["case.history"] = ("参保人近期就诊", "The patient's recent history"),
        ["case.history.none"] = ("没有此参保人的就诊记录。", "No earlier encounters on record for this patient."),
        ["case.history.unavailable"] = ("就诊记录暂时无法读取：{0}", "The patient history cannot be read now: {0}"),
        ["case.history.hospitals"] = ("近 90 天就诊 {0} 次，{1} 家医院", "{0} visits at {1} hospitals in the last 90 days"),
        ["case.dispensed"] = ("已配药品与项目", "Dispensed items"),
        ["case.record"] = ("办理记录", "Case history"),
        ["case.record.none"] = ("尚无审核意见。", "No decision yet."),
        ["case.decide"] = ("审核意见", "Decision"),
        ["case.nothing"] = ("您在此案件当前状态下没有可办理的步骤。", "There is no step for you to take on this case now."),
        ["case.outcome"] = ("结论", "Outcome"),
        ["case.note"] = ("意见说明", "Note"),
        ["case.deductYuan"] = ("扣减金额（元）", "Amount to deduct (yuan)"),
        ["case.assignTo"] = ("转派给", "Give to"),
        ["case.submit"] = ("提交", "Submit"),
        ["case.saved"] = ("已保存。", "Saved."),
        ["case.reverses"] = ("改判第 {0} 条意见", "reverses decision {0}"),
        ["case.notFound"] = ("没有这个案件。", "There is no such case."),
        ["col.line"] = ("行", "Line"),
        ["col.item"] = ("项目编码", "Item"),
        ["col.kind"] = ("类别", "Kind"),
        ["col.qty"] = ("数量", "Quantity"),
        ["col.price"] = ("单价", "Unit price"),
        ["col.amount"] = ("金额", "Amount"),
        ["col.severity"] = ("级别", "Severity"),
        ["col.certainty"] = ("确定性", "Certainty"),
        ["col.message"] = ("提示", "Message"),
        ["col.category"] = ("类别", "Category"),
        ["col.date"] = ("日期", "Date"),
        ["col.diagnoses"] = ("诊断", "Diagnoses"),
        ["col.ingredient"] = ("成分", "Ingredient"),
        ["col.days"] = ("天数", "Days"),
        ["col.when"] = ("时间", "When"),
        ["col.who"] = ("经办人", "By"),
        ["col.step"] = ("步骤", "Step"),
        ["col.reason"] = ("原因", "Reason"),
        ["dash.title"] = ("统计看板", "Dashboard"),
        ["dash.cases"] = ("案件总数", "Cases"),
        ["dash.confirmed"] = ("确认扣减金额", "Amount confirmed"),
        ["dash.flagged"] = ("疑点金额合计", "Amount in question"),
        ["dash.compliance"] = ("事前提醒遵从率（近 30 天）", "Pre-alert compliance (30 days)"),
        ["dash.compliance.detail"] = ("{0} 次提醒中 {1} 次修改医嘱", "{1} of {0} reminders followed"),
        ["dash.compliance.none"] = ("近 30 天没有事前提醒", "No PRE reminders in the last 30 days"),
        ["dash.byStatus"] = ("按状态", "By status"),
        ["dash.byRule"] = ("按规则（前 10）", "By rule (top 10)"),
        ["dash.perDay"] = ("每日标记案件", "Cases flagged per day"),
        ["dash.count"] = ("件数", "Cases"),
        ["footer.served"] = ("服务器用时 {0} 毫秒", "Served in {0} ms"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private WorkbenchText(string language) => Language = language;

    public static WorkbenchText Chinese { get; } = new("zh");

    public static WorkbenchText English { get; } = new("en");

    /// <summary><c>zh</c> or <c>en</c>.</summary>
    public string Language { get; }

    public string Other => Language == "zh" ? "en" : "zh";

    public string this[string key] => Labels.TryGetValue(key, out var label) ? (Language == "zh" ? label.Zh : label.En) : key;

    public string Format(string key, params object[] args) => string.Format(CultureInfo.InvariantCulture, this[key], args);

    public string Status(CaseStatus status) => this["status." + status];

    public string Status(StatusFilter status) => this["status." + status];

    public string Outcome(CaseOutcome? outcome) => outcome is { } o ? this["outcome." + o] : string.Empty;

    public string Step(CaseStep step) => this["step." + step];

    public string Role(ReviewRole role) => this["role." + role];

    public string Stage(string stage) => this["stage." + stage];

    /// <summary>An amount in fen as yuan with two decimals and thousands separators.</summary>
    public static string Yuan(long fen) => (fen / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);

    public static WorkbenchText For(HttpContext context) => LanguageMiddleware.LanguageOf(context) == "en" ? English : Chinese;

    /// <summary>The patient id with its middle hidden, for lists (the full id is on the case page).</summary>
    public static string Mask(string id) => id.Length <= 4 ? new string('*', id.Length) : string.Concat(id.AsSpan(0, 2), new string('*', id.Length - 4), id.AsSpan(id.Length - 2));
}
