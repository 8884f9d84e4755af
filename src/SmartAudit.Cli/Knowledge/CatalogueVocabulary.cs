namespace SmartAudit.Cli.Knowledge;

/// <summary>A therapeutic class: ATC group, name stem, typical dose and the restrictions its drugs carry.</summary>
internal sealed record DrugClass(string Atc, string SuffixZh, string SuffixEn, double DoseMg, int MaxDosesPerDay, bool Chronic)
{
    public int? MinAgeYears { get; init; }
    public bool NotForNewborns { get; init; }
    public bool ChildFormAllowed { get; init; }
    public string? Sex { get; init; }
    public int? MinLevel { get; init; }
    public string? Departments { get; init; }
    public Indication? Indication { get; init; }
}

internal sealed record Indication(string Prefixes, string Zh, string En);

internal sealed record DosageForm(char Letter, string Zh, string En);

internal sealed record Syllable(string Zh, string En);

internal sealed record ExclusiveRule(string Modifier, string Zh, string En);

/// <summary>A service category: its 6-digit code prefix (national service catalogue chapters), base price and rules.</summary>
internal sealed record ServiceCategory(string Prefix, string Zh, string En, long PriceFen)
{
    public string? PerDiem { get; init; }
    public int? MaxPerDay { get; init; }
    public int? PeriodDays { get; init; }
    public string? Sex { get; init; }
    public bool NewbornOnly { get; init; }
    public int? MinLevel { get; init; }
    public ExclusiveRule? Exclusive { get; init; }
    public bool BundlesConsumables { get; init; }
}

internal sealed record MaterialKind(int Category, string Zh, string En, long PriceFen, bool HighValue);

internal sealed record Interaction(string AtcA, string AtcB, int Pairs, string Zh, string En);

/// <summary>The words and numbers the catalogue generator draws from, modelled on the national catalogues.</summary>
internal static class CatalogueVocabulary
{
    private static readonly Indication Lipids = new("E78|I25|I63", "限血脂异常或动脉粥样硬化性心脑血管疾病", "dyslipidaemia or atherosclerotic disease");
    private static readonly Indication Diabetes = new("E11", "限2型糖尿病", "type 2 diabetes");
    private static readonly Indication Cancer = new("C", "限恶性肿瘤", "malignant tumours");
    private static readonly Indication Osteoporosis = new("M80|M81|N18", "限骨质疏松或慢性肾病", "osteoporosis or chronic kidney disease");

    public static readonly DrugClass[] DrugClasses =
    [
        new("C10AA", "伐他汀", "vastatin", 20, 2, true) { Indication = Lipids },
        new("C09CA", "沙坦", "sartan", 80, 2, true),
        new("C09AA", "普利", "pril", 10, 2, true),
        new("C07AB", "洛尔", "lol", 25, 2, true),
        new("C08CA", "地平", "dipine", 5, 2, true),
        new("A10BB", "格列特", "glitide", 2, 3, true) { Indication = Diabetes },
        new("A10BH", "格列汀", "gliptin", 100, 1, true) { Indication = Diabetes },
        new("A02BC", "拉唑", "prazole", 20, 2, false),
        new("B01AC", "格雷", "grel", 75, 1, true),
        new("B01AA", "法林", "farin", 3, 1, true),
        new("M01AE", "洛芬", "profen", 200, 4, false) { ChildFormAllowed = true },
        new("N02BE", "氨酚", "cetamol", 500, 4, false) { ChildFormAllowed = true },
        new("J01CA", "西林", "cillin", 500, 4, false) { ChildFormAllowed = true },
        new("J01DD", "头孢松", "cefzone", 1000, 2, false) { NotForNewborns = true },
        new("J01FA", "霉素", "mycin", 250, 4, false) { ChildFormAllowed = true },
        new("J01MA", "沙星", "floxacin", 500, 1, false) { MinAgeYears = 18 },
        new("J02AC", "康唑", "conazole", 200, 2, false) { MinLevel = 2 },
        new("J05AB", "洛韦", "clovir", 400, 5, false) { ChildFormAllowed = true },
        new("L01EA", "替尼", "tinib", 250, 1, false) { MinLevel = 3, Departments = "A19", Indication = Cancer },
        new("L01XC", "单抗", "mab", 100, 1, false) { MinLevel = 3, Departments = "A19|A03.08", Indication = Cancer },
        new("N05AH", "平", "apine", 10, 2, true) { Departments = "A15" },
        new("N05CD", "唑仑", "zolam", 1, 2, false) { MinAgeYears = 18 },
        new("G03DA", "孕酮", "gesterone", 100, 2, false) { Sex = "F" },
        new("G04CA", "坦辛", "tamsin", 0.2, 1, true) { Sex = "M" },
        new("M05BA", "膦酸", "dronate", 70, 1, true) { Indication = Osteoporosis },
        new("R05CB", "司坦", "steine", 200, 3, false) { ChildFormAllowed = true },
    ];

    public static readonly DosageForm[] Forms =
    [
        new('A', "片", "tablets"), new('A', "胶囊", "capsules"), new('A', "缓释片", "SR tablets"), new('A', "分散片", "dispersible tablets"),
        new('B', "注射液", "injection"), new('B', "注射用粉针", "for injection"), new('C', "颗粒", "granules"), new('D', "口服溶液", "oral solution"),
    ];

    public static readonly Syllable[] Syllables =
    [
        new("阿", "a"), new("贝", "be"), new("卡", "ca"), new("地", "di"), new("依", "e"), new("氟", "flu"), new("格", "ge"), new("海", "ha"),
        new("伊", "i"), new("吉", "ji"), new("克", "ke"), new("拉", "la"), new("美", "me"), new("诺", "no"), new("奥", "o"), new("培", "pe"),
        new("奎", "qui"), new("瑞", "re"), new("沙", "sa"), new("替", "ti"), new("乌", "u"), new("万", "va"), new("西", "xi"), new("扎", "za"),
        new("左", "zo"), new("莫", "mo"), new("托", "to"), new("尼", "ni"), new("索", "so"), new("达", "da"), new("泊", "po"), new("罗", "ro"),
        new("芬", "fe"), new("米", "mi"), new("坎", "kan"), new("多", "do"), new("福", "fo"), new("林", "li"), new("普", "pu"), new("帕", "pa"),
    ];

    private static readonly ExclusiveRule SameSite = new("59", "同一部位同类项目不得重复收取，不同部位须注明修饰符59", "procedures of one kind on one site exclude each other; another site is documented with modifier 59");
    private static readonly ExclusiveRule OneAnaesthesia = new("", "同一手术只能收取一种麻醉方式", "one operation is charged one anaesthesia");
    private static readonly ExclusiveRule IncludedProcedure = new("", "主手术已包含该操作，不得另收", "the main operation includes this procedure");

    public static readonly ServiceCategory[] ServiceCategories =
    [
        new("110200", "诊查费", "consultation", 1500) { MaxPerDay = 1 },
        new("120100", "床位费", "bed-day", 4000) { PerDiem = "bed" },
        new("121100", "护理费", "nursing care", 2000) { PerDiem = "nursing" },
        new("121200", "注射", "injection", 500) { MaxPerDay = 4, BundlesConsumables = true },
        new("121300", "静脉输液", "intravenous infusion", 1000) { MaxPerDay = 3, BundlesConsumables = true },
        new("210102", "X线计算机体层(CT)检查", "CT scan", 15000) { Exclusive = SameSite, MinLevel = 2 },
        new("210300", "磁共振(MR)检查", "MRI scan", 45000) { Exclusive = SameSite, MinLevel = 2 },
        new("220201", "超声检查", "ultrasound", 6000) { Exclusive = SameSite },
        new("250101", "血液一般检查", "blood count", 2000) { PeriodDays = 7 },
        new("250305", "糖代谢检查", "glucose metabolism test", 3000) { PeriodDays = 90 },
        new("250401", "肝功能检查", "liver function test", 2500) { PeriodDays = 30 },
        new("250700", "免疫学检查", "immunology test", 8000) { PeriodDays = 90 },
        new("310600", "妇产科诊疗", "gynaecology procedure", 8000) { Sex = "F" },
        new("311000", "泌尿男生殖诊疗", "male urology procedure", 8000) { Sex = "M" },
        new("311300", "新生儿诊疗", "newborn care", 5000) { NewbornOnly = true },
        new("311400", "康复治疗", "rehabilitation therapy", 3000) { MaxPerDay = 2 },
        new("330100", "麻醉", "anaesthesia", 60000) { Exclusive = OneAnaesthesia, BundlesConsumables = true },
        new("330700", "消化系统手术", "digestive surgery", 300000) { Exclusive = IncludedProcedure, MinLevel = 2, BundlesConsumables = true },
        new("330800", "心血管手术", "cardiovascular surgery", 800000) { Exclusive = IncludedProcedure, MinLevel = 3, BundlesConsumables = true },
    ];

    public static readonly Syllable[] Variants =
    [
        new("常规", "standard"), new("加收", "supplement"), new("床旁", "bedside"), new("复杂", "complex"), new("简单", "simple"),
        new("单侧", "unilateral"), new("双侧", "bilateral"), new("急诊", "emergency"), new("术中", "intra-operative"), new("小儿", "paediatric"),
    ];

    public static readonly MaterialKind[] Materials =
    [
        new(14, "一次性使用输液器", "disposable infusion set", 300, false),
        new(14, "一次性使用无菌注射器", "disposable syringe", 100, false),
        new(3, "医用外科口罩", "surgical mask", 80, false),
        new(6, "医用敷料", "medical dressing", 500, false),
        new(9, "可吸收缝合线", "absorbable suture", 3000, false),
        new(10, "中心静脉导管", "central venous catheter", 25000, false),
        new(2, "冠状动脉药物洗脱支架", "drug-eluting coronary stent", 800000, true),
        new(2, "人工髋关节", "artificial hip joint", 2500000, true),
        new(13, "一次性使用吻合器", "disposable stapler", 150000, true),
        new(15, "导尿管", "urinary catheter", 1500, false),
    ];

    public static readonly string[] Specs = ["S", "M", "L", "XL", "0.45mm", "0.7mm", "20G", "22G", "2.5×18mm", "3.0×24mm", "5ml", "10ml", "20ml"];

    public static readonly Interaction[] Interactions =
    [
        new("B01AC", "A02BC", 60, "质子泵抑制剂降低该抗血小板药的作用", "the proton-pump inhibitor weakens this antiplatelet drug"),
        new("B01AA", "M01AE", 60, "抗凝药与非甾体抗炎药合用增加出血风险", "an anticoagulant with an NSAID raises the risk of bleeding"),
        new("C10AA", "J01FA", 60, "大环内酯类抑制他汀代谢，增加肌病风险", "the macrolide slows the statin's breakdown and raises the risk of myopathy"),
        new("C10AA", "J02AC", 40, "唑类抗真菌药增加他汀血药浓度", "the azole antifungal raises the statin's blood level"),
        new("J01MA", "N05AH", 40, "合用延长QT间期", "taken together they prolong the QT interval"),
        new("C09AA", "C09CA", 40, "普利与沙坦联用增加高钾和肾损伤风险", "an ACE inhibitor with an ARB raises the risk of hyperkalaemia and kidney injury"),
    ];
}
