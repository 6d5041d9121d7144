//! Sentence, title and slot banks the fixture composes its articles from.
//!
//! The prose is ours: short news-style sentences about Jinan (springs, districts, trade, culture,
//! transport) with slots such as `{d}` (a district) that [`crate::content`] fills from the slot
//! lists below. Keeping the words in one data module keeps the generator readable and makes it easy
//! to check that no bank sentence contains a boilerplate string (menu names, footer lines).

/// English districts and counties.
pub const EN_DISTRICTS: &[&str] = &[
    "Lixia District",
    "Shizhong District",
    "Huaiyin District",
    "Tianqiao District",
    "Licheng District",
    "Changqing District",
    "Zhangqiu District",
    "Laiwu District",
    "Gangcheng District",
    "Jiyang District",
    "Pingyin County",
    "Shanghe County",
    "Jinan High-tech Zone",
    "the Jinan Starting Area",
];

pub const EN_SPRINGS: &[&str] = &[
    "Baotu Spring",
    "Black Tiger Spring",
    "Pearl Spring",
    "Five Dragon Pool",
    "Shuyu Spring",
    "Gushan Spring",
    "Baimai Spring",
];

pub const EN_LANDMARKS: &[&str] = &[
    "Daming Lake",
    "Thousand-Buddha Mountain",
    "Quancheng Square",
    "Furong Street",
    "the Jinan Olympic Sports Center",
    "the Yellow River ecological corridor",
    "Hualuo Mountain",
    "the ancient city wall moat",
    "Kuanhouli Street",
    "the Shandong Museum",
];

pub const EN_COMPANIES: &[&str] = &[
    "China National Heavy Duty Truck Group",
    "Inspur Group",
    "Jinan Iron and Steel Group",
    "Shandong Hi-Speed Group",
    "Jinan Rail Transit Group",
    "Qilu Pharmaceutical",
    "Jinan Energy Group",
    "Shandong Heavy Industry",
];

pub const EN_PARTNERS: &[&str] = &[
    "Regina",
    "Augsburg",
    "Vantaa",
    "Rennes",
    "Yamaguchi",
    "Suwon",
    "Sacramento",
    "Coventry",
    "Marseille",
    "Kazan",
    "Wellington",
    "Hamilton",
    "Saint-Etienne",
    "Limassol",
];

pub const EN_EVENTS: &[&str] = &[
    "the Jinan Spring Culture Festival",
    "the Baotu Spring Lantern Festival",
    "the Qilu Cultural Expo",
    "the Jinan International Marathon",
    "the China-Shandong Import Fair",
    "the Yellow River Forum",
    "the Daming Lake Lotus Festival",
    "the Jinan International Children's Film Festival",
];

pub const EN_INDUSTRIES: &[&str] = &[
    "software and information services",
    "biomedicine",
    "advanced materials",
    "intelligent manufacturing",
    "new energy vehicles",
    "cross-border e-commerce",
    "cultural tourism",
    "quantum technology",
    "modern agriculture",
    "logistics",
];

pub const EN_MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// English sentences. Slots: {d} {d2} district, {s} spring, {l} landmark, {c} company,
/// {p} partner city, {e} event, {i} industry, {n} {n2} numbers, {pc} percent, {y} year, {m} month.
pub const EN_SENTENCES: &[&str] = &[
    "The water level of {s} rose to {n} centimeters above the warning line this week, the highest reading since {y}.",
    "Crowds gathered along the stone railings around {s} on Saturday morning to watch the three jets bubble up from the pool.",
    "Officials in {d} said the new service center would cut the time needed to register a company to less than two working days.",
    "More than {n} local residents volunteered to clean the banks of the springs during the weekend campaign.",
    "The city recorded {pc} percent growth in foreign trade in the first {n2} months, according to the municipal commerce bureau.",
    "{c} delivered {n} heavy trucks to overseas buyers in {m}, a record for a single month.",
    "A delegation from {p} toured {l} and discussed cooperation in education and tourism with city officials.",
    "The municipal government plans to open {n2} new pocket parks in {d} before the end of the year.",
    "Visitors can now take an evening boat ride on Daming Lake, with the route lit by lanterns until ten o'clock.",
    "Researchers in {d} have built a pilot line for {i} that is expected to employ {n} people.",
    "During {e}, more than {n} thousand visitors came to the old town, hotel bookings rose by {pc} percent.",
    "The metro extension will link {d} with {d2} and shorten the trip to about {n2} minutes.",
    "Farmers in {d} have started harvesting the famous Zhangqiu scallions, some of which grow taller than a man.",
    "A new direct cargo train from Jinan to Central Asia left the international inland port carrying {n} containers.",
    "Local schools in {d} added spring-water science classes so that children learn how the karst aquifer works.",
    "The city has protected {n} named springs through a system of monitoring wells and recharge zones in the southern hills.",
    "Companies from {p} signed agreements worth {n} million yuan at the investment promotion meeting.",
    "{c} opened a research center in {d} focused on {i}.",
    "The renovated section of {l} reopened to the public after {n2} months of work.",
    "Street vendors along Furong Street offered sweet potato cakes, grilled squid and cups of jasmine tea.",
    "The Yellow River bridge carries more than {n} thousand vehicles a day, easing traffic between the north and south banks.",
    "Officials said the share of days with good air quality reached {pc} percent last year.",
    "The provincial capital attracted {n} new foreign-invested enterprises in {y}, most of them in {i}.",
    "Volunteers handed out maps in English, Korean and Japanese to foreign visitors at {l}.",
    "The exhibition presents {n} pieces of calligraphy, bronzes and pottery from the Longshan culture.",
    "A total of {n} students from {p} came to Jinan for a summer program on Chinese language and culture.",
    "The city's new energy bus fleet now has more than {n} vehicles, covering every main road in {d}.",
    "Tea houses near {s} serve tea brewed with spring water, a local custom that goes back centuries.",
    "The local court in {d} set up an English-language service window for foreign companies.",
    "The free trade zone's Jinan area handled {n} million yuan of cross-border settlements in {m}.",
    "Performers sang Lyu opera and played the erhu on an open-air stage beside {l}.",
    "The planting of {n} thousand trees in the southern mountains is part of a project to protect the springs.",
    "A job fair for overseas returnees offered {n} positions in {i} and finance.",
    "Mayor's office data show that the average commute in {d} fell by {n2} minutes after the bus network was redesigned.",
    "The ancient Qi Great Wall, which passes through the south of the city, is being surveyed with drones.",
    "Young people now queue for selfies at the spring-side cafes of the old quarter.",
    "Organizers said {e} would feature lantern displays, folk music and a lotus photography contest.",
    "A cooperation agreement with {p} covers port logistics, medical training and youth exchanges.",
    "Hospitals in {d} have added {n} beds and a telemedicine center linked to rural clinics.",
    "The airport opened a new route to {p}, with {n2} flights a week in summer.",
    "An open-source software community based in {d} now has {n} registered developers.",
    "Officials said the city would keep spring water flowing all year by refilling the aquifer during the rainy season.",
    "Engineers tested the cross-river tunnel under the Yellow River before it opened to traffic.",
    "The old railway station area has been turned into a creative park with design studios and bookshops.",
    "Local authorities said {n} households in {d} had been connected to the natural gas network.",
    "Companies in {i} received tax refunds worth {n} million yuan in the first quarter.",
    "Students from {p} planted a friendship tree beside {l} during their visit.",
    "The night market near {l} now opens until midnight on weekends.",
    "A marathon route along the river passes {n2} parks and finishes at the Olympic Sports Center.",
    "Exports of {i} products rose by {pc} percent, driven by demand from Southeast Asia and Europe.",
];

pub const EN_TITLES: &[&str] = &[
    "{d} unveils plan to grow {i}",
    "Jinan hosts {e} with record turnout",
    "{c} signs deal with partners from {p}",
    "Springs in {d} draw {n} thousand visitors over holiday",
    "Delegation from {p} visits Jinan",
    "New metro line to link {d} and {d2}",
    "{l} reopens after renovation",
    "{s} water level hits new high",
    "Jinan and {p} deepen cooperation in {i}",
    "{d} opens service center for foreign firms",
    "Exports of {i} climb {pc} percent",
    "Students from {p} explore Jinan's springs",
    "Cargo trains link Jinan with Central Asia",
    "{e} opens in Jinan",
    "{d} adds {n2} pocket parks",
    "Jinan protects its springs with new monitoring wells",
    "Night tours on {l} prove popular",
    "{c} expands research in {d}",
    "Jinan airport launches route to {p}",
    "Old town tea houses keep spring tradition alive",
];

pub const EN_HEADINGS: &[&str] = &[
    "Background",
    "What comes next",
    "Key figures",
    "Voices from residents",
    "Investment and trade",
    "Protecting the springs",
    "Culture and tourism",
    "A closer look",
];

pub const EN_LIST_ITEMS: &[&str] = &[
    "Opening hours are extended to 9 pm from May to October.",
    "Tickets can be booked through the city's official mobile app.",
    "Bus lines K51 and 118 stop near the main gate.",
    "Free guided tours in English start every hour.",
    "Visitors with disabilities can borrow wheelchairs at the entrance.",
    "Pets are not allowed in the spring pools area.",
    "Drones may not be flown over the lake without a permit.",
    "Bicycle parking is available on the east side.",
    "A first-aid station is located near the north entrance.",
    "Lost property can be collected at the visitor center.",
];

pub const EN_CAPTIONS: &[&str] = &[
    "Tourists take photos at {s}.",
    "Lotus flowers bloom on {l}.",
    "Workers assemble heavy trucks at a plant of {c}.",
    "Guests from {p} visit {l}.",
    "Performers dance during {e}.",
    "A view of {d} at dusk.",
    "Children play beside {s}.",
    "The new metro station in {d}.",
];

pub const EN_RARE_SENTENCES: &[&str] = &[
    "Planners filed the project under the internal code {r}.",
    "The pilot scheme, code-named {r}, will be reviewed next spring.",
    "Residents nicknamed the new footbridge {r} during the opening ceremony.",
];

pub const EN_SOURCES: &[&str] = &[
    "China Daily",
    "english.jinan.gov.cn",
    "Jinan Daily",
    "Xinhua",
    "chinadaily.com.cn",
    "Jinan Foreign Affairs Office",
];

// ---------------------------------------------------------------- Chinese

pub const ZH_DISTRICTS: &[&str] = &[
    "历下区",
    "市中区",
    "槐荫区",
    "天桥区",
    "历城区",
    "长清区",
    "章丘区",
    "莱芜区",
    "钢城区",
    "济阳区",
    "平阴县",
    "商河县",
    "济南高新区",
    "济南新旧动能转换起步区",
];

pub const ZH_SPRINGS: &[&str] = &[
    "趵突泉",
    "黑虎泉",
    "珍珠泉",
    "五龙潭",
    "漱玉泉",
    "百脉泉",
    "白石泉",
];

pub const ZH_LANDMARKS: &[&str] = &[
    "大明湖",
    "千佛山",
    "泉城广场",
    "芙蓉街",
    "济南奥体中心",
    "黄河风景区",
    "华山湖",
    "护城河",
    "宽厚里",
    "山东博物馆",
];

pub const ZH_COMPANIES: &[&str] = &[
    "中国重汽",
    "浪潮集团",
    "济钢集团",
    "山东高速集团",
    "济南轨道交通集团",
    "齐鲁制药",
    "济南能源集团",
];

pub const ZH_PARTNERS: &[&str] = &[
    "雷吉纳",
    "奥格斯堡",
    "万塔",
    "雷恩",
    "山口",
    "水原",
    "萨克拉门托",
    "考文垂",
    "马赛",
    "喀山",
];

pub const ZH_EVENTS: &[&str] = &[
    "泉水节",
    "趵突泉花灯会",
    "齐鲁文化博览会",
    "济南国际马拉松",
    "大明湖荷花节",
    "黄河论坛",
];

pub const ZH_INDUSTRIES: &[&str] = &[
    "软件和信息服务",
    "生物医药",
    "新材料",
    "智能制造",
    "新能源汽车",
    "跨境电商",
    "文化旅游",
    "量子科技",
    "现代农业",
    "现代物流",
];

/// Chinese sentences, same slots as the English ones.
pub const ZH_SENTENCES: &[&str] = &[
    "近日，{s}水位升至{n}厘米，创下{y}年以来的新高，吸引大批市民游客前来观赏。",
    "泉城济南以泉水闻名，七十二名泉星罗棋布，构成了独特的城市风貌。",
    "{d}政务服务中心推出企业开办“一窗通办”，办理时间压缩至两个工作日以内。",
    "周末，{n}余名志愿者来到泉池周边开展环境清洁活动。",
    "今年前{n2}个月，全市外贸进出口总额同比增长{pc}%，增速居全省前列。",
    "{c}{m}份向海外客户交付重型卡车{n}辆，单月出口量创历史新高。",
    "来自友好城市{p}的代表团参观了{l}，并就教育、旅游等领域合作与我市有关部门进行了交流。",
    "根据规划，{d}年内将新建{n2}处口袋公园，进一步提升居民的生活品质。",
    "夜游大明湖项目正式开放，游客可乘船欣赏沿岸灯光，感受泉城夜色之美。",
    "{d}围绕{i}产业建设中试基地，预计可带动就业{n}人。",
    "{e}期间，老城区共接待游客{n}万人次，酒店预订量增长{pc}%。",
    "轨道交通延长线建成后，将串联{d}与{d2}，通勤时间缩短至{n2}分钟左右。",
    "章丘大葱进入收获季节，田间地头一派繁忙景象。",
    "满载{n}个标准箱的中欧班列从济南国际内陆港驶出，开往中亚。",
    "{d}的中小学开设泉水科普课程，让孩子们了解岩溶地下水的奥秘。",
    "我市通过地下水监测井和补给区建设，对{n}处名泉实施保护。",
    "在投资促进大会上，来自{p}的企业签约项目金额达{n}亿元。",
    "{c}在{d}设立研发中心，重点发展{i}。",
    "经过{n2}个月的修缮，{l}部分区域重新向公众开放。",
    "芙蓉街上的小吃摊点人头攒动，甜沫、油旋、把子肉吸引了众多外地游客。",
    "黄河大桥日均车流量超过{n}千辆，有效缓解了南北两岸的交通压力。",
    "去年全市空气质量优良天数比例达到{pc}%，生态环境持续改善。",
    "{y}年全市新设外商投资企业{n}家，其中多数集中在{i}领域。",
    "在{l}，志愿者为外国游客发放中英日韩多语种导览地图。",
    "展览共展出书法、青铜器、陶器等文物{n}件，其中包括龙山文化黑陶精品。",
    "来自{p}的{n}名学生来到济南参加汉语和中华文化夏令营。",
    "全市新能源公交车已超过{n}辆，覆盖{d}所有主干道。",
    "{s}周边的茶社用泉水泡茶，这一习俗已延续数百年。",
    "{d}人民法院设立涉外商事服务窗口，为外资企业提供便利。",
    "中国（山东）自由贸易试验区济南片区{m}份跨境结算额达{n}亿元。",
    "演员们在{l}畔的露天舞台上演唱吕剧，现场掌声不断。",
    "南部山区今年植树{n}千株，进一步涵养泉水水源。",
    "留学人员专场招聘会提供{i}、金融等领域岗位{n}个。",
    "公交线网优化后，{d}居民平均通勤时间缩短了{n2}分钟。",
    "齐长城遗址穿越济南南部山区，目前正借助无人机开展全面调查。",
    "老城区的泉边咖啡馆成为年轻人打卡的热门去处。",
    "主办方介绍，{e}将推出花灯展、民乐演出和荷花摄影大赛等活动。",
    "我市与{p}签署合作协议，涵盖港口物流、医疗培训和青少年交流等内容。",
    "{d}各医院新增床位{n}张，并建成连接乡村卫生室的远程医疗中心。",
    "济南机场开通直飞{p}的航线，夏季每周执飞{n2}班。",
    "位于{d}的开源软件社区注册开发者已达{n}人。",
    "有关部门表示，将在汛期加强回灌补源，确保泉水四季喷涌。",
    "济南黄河隧道通车前，工程人员对隧道进行了全面检测。",
    "老火车站片区经过改造，成为汇聚设计工作室和书店的文化创意园区。",
    "{d}今年新增{n}户居民接通天然气管网。",
    "一季度，{i}企业累计获得退税{n}亿元。",
    "来自友好城市的青年代表在{l}旁种下友谊树。",
    "{l}附近的夜市周末营业至午夜，烟火气十足。",
    "济南作为山东省会，正加快建设新时代社会主义现代化强省会。",
    "泉水节期间，趵突泉公园举办了非遗展示和传统手工艺体验活动。",
];

pub const ZH_TITLES: &[&str] = &[
    "{d}发布{i}产业发展规划",
    "{e}在济南开幕",
    "{c}与{p}企业签署合作协议",
    "{s}水位创新高 市民游客争相观泉",
    "{p}代表团访问济南",
    "轨道交通新线将连通{d}和{d2}",
    "{l}修缮后重新开放",
    "济南与{p}深化{i}领域合作",
    "{d}设立外资企业服务中心",
    "{i}产品出口增长{pc}%",
    "{p}学生走进泉城感受泉水文化",
    "中欧班列助力济南扩大开放",
    "{d}新建{n2}处口袋公园",
    "泉城夜游{l}受追捧",
    "{c}在{d}扩大研发投入",
];

pub const ZH_HEADINGS: &[&str] = &[
    "一、基本情况",
    "二、主要做法",
    "三、下一步工作",
    "相关数据",
    "市民声音",
    "延伸阅读",
];

pub const ZH_LIST_ITEMS: &[&str] = &[
    "5月至10月开放时间延长至21时。",
    "游客可通过官方小程序预约购票。",
    "K51路、118路公交车在景区正门附近停靠。",
    "每小时安排一次免费讲解服务。",
    "入口处提供轮椅借用服务。",
    "泉池区域禁止携带宠物入内。",
    "未经许可禁止在湖区上空放飞无人机。",
    "东侧设有非机动车停放区。",
];

pub const ZH_CAPTIONS: &[&str] = &[
    "游客在{s}拍照留念。",
    "{l}荷花盛开。",
    "{c}工人在生产线上装配重卡。",
    "{p}客人参观{l}。",
    "{d}夜景。",
];

pub const ZH_RARE_SENTENCES: &[&str] = &[
    "该项目内部编号为 {r} ，将于明年春季接受评估。",
    "当地居民把新建的人行桥称为“{z}”，项目代号 {r} 。",
];

pub const ZH_SOURCES: &[&str] = &[
    "济南日报",
    "济南市人民政府",
    "大众日报",
    "济南市外事办公室",
    "齐鲁晚报",
];

/// Uncommon characters used only for planted rare Chinese compounds (never in the banks above).
pub const RARE_HAN: &[char] = &[
    '犇', '骉', '鱻', '猋', '赑', '淼', '垚', '焱', '燚', '掱', '孖', '嚞', '嘂', '叒', '叕', '壵',
    '兟', '兲', '屾', '昍', '玨', '瑏', '皛', '砳', '祘', '龘', '靐', '麤', '灥', '馫', '毳', '芔',
];
