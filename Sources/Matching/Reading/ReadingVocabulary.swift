public import Description

/// The words the description reader knows besides colours (which come from the colour-name model):
/// garments, carried things, people, relations, ages and the small words that bind them.
///
/// Words are lower case and simplified Chinese (traditional characters are mapped to simplified
/// before reading, see ``ReadingText``); within one string words are separated by spaces, and "_"
/// stands for a space inside a multi-word English word.
enum ReadingVocabulary {
    /// What a word means to the reader.
    enum Meaning: Sendable, Equatable {
        case garment(GarmentKind, jeans: Bool)
        /// Scarves, gloves, masks, glasses: their colour is not used.
        case accessory
        case item(CarriedKind)
        /// Hair, skin, eyes: their colour is never clothing.
        case body
        /// A place or vehicle ("the red gate", "白色的车"): its colour is not the person's.
        case place
        /// A printed motif, logo or picture on a garment: its colours are not the garment's.
        case motif
        /// Stripes, checks, flowers: colours said with it belong to the garment, less surely.
        case pattern
        case person(PersonWord)
        /// he, she, 他, 她 (`subjective`), his / her (possessive or object).
        case pronoun(subjective: Bool)
        /// I, me, 我: the person writing, when followed by what they wear.
        case reporter
        /// with, 和, 跟, 由, pushed by …: a person word after it is someone else.
        case companionMarker(breaksPhrase: Bool)
        /// lost, missing, 走丢, 不见: marks the clause of the missing person.
        case lostMarker
        case ageMarker, heightMarker
        /// Plain words that say an age group ("年纪大了", "pensioner", "still in nappies").
        case agePhrase(AgeGroup)
        /// little, elderly, teenage, 小: the age of the person word after it.
        case ageAdjective(AgeGroup)
        /// twenties … nineties.
        case decade(Int)
        /// 一身, 全身, head to toe: a colour said alone covers top and bottom.
        case wholeBody
        /// not, 不是: the next colour is not the person's.
        case negation
        /// no wait, actually, 不对: the next colour replaces one said before.
        case correction
        /// is, was, 是: after a garment, its colour comes next ("shirt is white").
        case copula
        /// 穿, wearing, in: a colour before it does not run on to a garment after it.
        case phraseBreak
        /// 的: in Chinese, what comes before it describes the person word after it.
        case de
        case build(BodyBuild)
        /// who: the clause it starts is about the person named just before ("pushed by his son, who
        /// is in a black jacket").
        case relative
        /// 在我这里, 留在, "with me": the thing named before it was left behind, not carried.
        case leftBehind
        /// Sizes, cuts and fabrics between a colour and its garment.
        case adjective
        case stop
    }

    /// A word for a person: the age group it says, if any.
    struct PersonWord: Sendable, Equatable {
        var age: AgeGroup?
    }

    static let garments: [(GarmentKind, String)] = [
        (.top,
         "上衣 衣服 衣裳 球衣 短t 长t 大学t 短袖t 恤衫 polo恤 褂子 褂 对襟褂子 t恤 t恤衫 体恤 衬衫 衬衣 毛衣 卫衣 马甲 背心 短袖 长袖 上装 上身 上半身 polo衫 针织衫 运动衫 打底衫 吊带 汗衫 "
            + "唐装 唐装上衣 连帽衫 帽衫 帽t 衫 校服上衣 运动服上衣 运动上衣 睡衣上衣 校服衬衫 毛线衣 线衣 保暖衣 秋衣 短袖衫 长袖衫 套头衫 polo 上衣服 "
            + "top tops shirt shirts t-shirt t_shirt tshirt tee tee-shirt blouse jumper sweater hoodie hoody hooded_top "
            + "sweatshirt vest tank_top tank polo polo_shirt pullover jersey tunic kurta sweat_top long-sleeve long_sleeve "
            + "sweater_vest cardi cardigan top_half crop_top camisole kameez singlet button_down button-down button_up"),
        (.outer,
         "外套 连帽外套 夹克 羽绒服 大衣 风衣 棉袄 棉衣 外衣 冲锋衣 西装 开衫 雨衣 雨披 斗篷 皮衣 夹袄 披肩 坎肩 马夹 羽绒衣 棉服 "
            + "防晒衣 校服外套 运动服外套 皮夹克 牛仔外套 毛呢大衣 呢子大衣 外罩 罩衫 马褂 "
            + "jacket coat parka anorak raincoat rain_jacket rain_coat cagoule poncho rain_poncho mac windbreaker "
            + "windcheater blazer fleece gilet body_warmer bodywarmer puffer puffer_jacket puffer_coat puffa down_jacket "
            + "overcoat cape shawl hi-vis hi-vis_jacket waterproof cagoul trench_coat trench duffel_coat duffle_coat "
            + "bomber bomber_jacket denim_jacket rain_mac kagool"),
        (.bottom,
         "裤子 裤 长裤 短裤 裙子 裙 短裙 长裙 半身裙 纱裙 运动裤 休闲裤 打底裤 下装 下身 下半身 七分裤 阔腿裤 西裤 西装裤 校裤 "
            + "校服裤子 运动服裤子 棉裤 秋裤 喇叭裤 工装裤 灯笼裤 百褶裙 九分裤 五分裤 裤裙 底裤 "
            + "trousers trouser pants pant short_pants short_trousers shorts skirt leggings bottoms slacks chinos joggers jogging_bottoms sweatpants "
            + "tracksuit_bottoms track_pants trackies tights culottes cargo_pants cargos cargo_shorts capris jeggings bike_shorts cycling_shorts "
            + "salwar churidar lower_half"),
        (.onePiece,
         "连衣裙 连体衣 连体裤 连身裤 背带裤 背带裙 睡衣 运动服 校服 套装 旗袍 中山装 汉服 长袍 袍子 连衣裤 连身裙 洋装 公主裙 爬服 "
            + "dress dresses jumpsuit overalls dungarees pyjamas pajamas pyjama pajama kurta_pyjama kurta_pajama pjs tracksuit uniform school_uniform onesie "
            + "pinafore pinafore_dress saree sari romper playsuit boiler_suit babygrow sleepsuit gown snowsuit snow_suit nightie nightdress nightgown salwar_kameez"),
        (.headwear,
         "帽子 帽 斗笠 遮阳帽 棒球帽 毛线帽 渔夫帽 草帽 鸭舌帽 头巾 贝雷帽 太阳帽 绒线帽 针织帽 "
            + "hat cap beanie sun_hat sunhat baseball_cap bobble_hat bobblehat beret woolly_hat wooly_hat bucket_hat "
            + "headscarf head_scarf hijab turban bonnet straw_hat flat_cap ballcap ball_cap snapback trucker_cap"),
        (.footwear,
         "鞋 鞋子 运动鞋 布鞋 皮鞋 包鞋 小皮鞋 波鞋 篮球鞋 平底鞋 布希鞋 厚底鞋 靴子 靴 雨靴 凉鞋 拖鞋 球鞋 高跟鞋 板鞋 帆布鞋 雪地靴 老北京布鞋 "
            + "shoes shoe trainers trainer sneakers sneaker boots boot wellies wellys welly wellington_boots wellingtons sandals sliders slides flip_flops gumboots gumboot jordans vans skechers nikes air_force_1s air_forces jandals "
            + "sandal slippers crocs flip-flops flipflops converse plimsolls loafers heels chappals chappal"),
    ]

    static let jeans = "牛仔裤 jeans denims"

    static let accessories = "围巾 手套 口罩 眼镜 墨镜 领巾 红领巾 手表 项链 耳环 发卡 发夹 头绳 "
        + "scarf gloves glove mittens mask face_mask glasses sunglasses specs spectacles watch necklace lanyard hairband dupatta neckerchief"

    static let items: [(CarriedKind, String)] = [
        (.bag, "包 背包 书包 双肩包 挎包 手提包 环保袋 托特包 布包 塑料袋 塑胶袋 胶袋 后背包 袋子 布袋 斜挎包 包包 腰包 购物袋 手袋 "
            + "bag backpack rucksack handbag school_bag schoolbag satchel tote tote_bag plastic_bag carrier_bag shopping_bag "
            + "purse bumbag bum_bag fanny_pack crossbody crossbody_bag shoulder_bag day_pack daypack"),
        (.umbrella, "伞 雨伞 遮阳伞 阳伞 umbrella brolly parasol"),
        (.pushchair, "婴儿车 推车 童车 手推车 儿童车 宝宝车 pushchair buggy stroller pram bugaboo"),
        (.wheelchair, "轮椅 wheelchair"),
        (.walkingStick, "拐杖 手杖 拐棍 助行器 拄拐 拄拐杖 拄拐棍 walking_stick walking_cane cane stick walker walking_frame zimmer zimmer_frame"),
        (.toy, "玩具 玩偶 毛绒玩具 小熊 熊仔 布娃娃 公仔 水枪 风车 小风车 泡泡机 小汽车玩具 汽车玩具 玩具车 toy toy_plane toy_car rabbit bunny cuddly_rabbit water_pistol pinwheel windmill bubble_wand stuffed_animal stuffed plush fidget_toy nerf_gun teddy teddy_bear doll soft_toy cuddly_toy plushie stuffed_rabbit"),
        (.balloon, "气球 balloon"),
        (.phone, "手机 phone mobile mobile_phone"),
        (.other, "滑板车 风筝 自行车 扇子 折扇 水樽 水瓶 水壶 收音机 鸟笼 相机 scooter kite bike bicycle balance_bike fan camera water_bottle radio"),
    ]

    static let body = "头发 包包头 白发 白头发 黑发 金发 黄发 卷发 皮肤 眼睛 胡子 辫子 马尾 马尾辫 刘海 眉毛 "
        + "hair haired skin eyes eye beard moustache mustache ponytail pigtails plaits braids fringe curls"

    static let places = "门 大门 车 汽车 轿车 越野车 面包车 公交 公交车 出租车 长椅 椅子 商店 店 牌子 船 亭子 桥 楼 大巴 缆车 房子 "
        + "gate door car van bus taxi bench shop stall building sign boat bridge tent truck coach kiosk cafe tower phone_box phone_booth"

    static let motifs = "印着 印有 印了 图案 卡通 字母 logo 图 小猪 小鸭 小黄鸭 恐龙 "
        + "picture logo motif design writing letters cartoon character print_of printed_with dinosaur unicorn mickey"

    static let patterns = "条纹 格子 花纹 碎花 波点 印花 格纹 斑点 迷彩 拼色 撞色 竖条 横条 条 花 点 格 底 花的 "
        + "striped stripy stripey stripes stripe checked check checks checkered chequered plaid tartan floral flowery "
        + "flowered flowers flower polka_dot polka_dots polka-dot spotty spotted spots dotted dots camo camouflage "
        + "patterned pattern print printed gingham houndstooth tie-dye"

    /// Person words by the age they say; `nil`: kinship or a neutral word, which says no age.
    static let people: [(AgeGroup?, String)] = [
        (.child,
         "小孩 孩子 儿童 小朋友 男孩 女孩 宝宝 小男孩 小女孩 男童 女童 幼儿 婴儿 小姑娘 小孩子 小宝 宝贝 小家伙 小孙子 小孙女 "
            + "小儿子 小女儿 娃 娃娃 小娃 小外孙 小外孙女 幼童 小学生 男娃 女娃 小丫头 丫头 小屁孩 小宝贝 小弟弟 小妹妹 "
            + "child children kid kids boy boys girl girls toddler baby infant little_boy little_girl little_one tot "
            + "schoolboy schoolgirl youngster little_lad little_man"),
        (.elderly,
         "老人 老年人 老大爷 大爷 老太太 奶奶 爷爷 老奶奶 老爷爷 老头 老头子 老太 老伯 老先生 老婆婆 外婆 姥姥 外公 姥爷 "
            + "老人家 老爷子 老父亲 老母亲 太奶奶 太爷爷 阿婆 阿公 老伴 老太婆 老大妈 大妈 老妇人 老汉 婆婆 公公 爷 "
            + "grandma grandpa grandmother grandfather granny grandad granddad grandparent nan nana nanna gran grampa "
            + "gramps granpa grandmom grandpop old_man old_woman old_lady old_gentleman old_person old_chap old_fella "
            + "pensioner great-grandmother great-grandfather great_grandma great_grandpa oma opa"),
        (.adult,
         "男子 女子 成人 男人 女人 成年人 青年 中年 中年人 小伙子 小伙 阿姨 叔叔 先生 女士 大姐 大哥 中学生 初中生 高中生 大学生 "
            + "护工 保姆 男的 女的 老师 导游 司机 志愿者 工作人员 姑娘 "
            + "adult man woman lady gentleman guy teenager teen young_man young_woman carer caregiver nurse student teacher tour_guide "
            + "teenage_boy teenage_girl lad"),
        (nil,
         "男朋友 女朋友 儿子 女儿 个仔 个女 囡囡 幺儿 娘 孙子 孙女 外孙 外孙女 妈妈 爸爸 母亲 父亲 老公 老婆 丈夫 妻子 爱人 哥哥 姐姐 弟弟 妹妹 侄子 侄女 朋友 同学 "
            + "家人 老妈 老爸 妈 爸 媳妇 女婿 舅舅 姑姑 婆婆 岳母 岳父 婶婶 伯伯 闺女 外甥 外甥女 亲戚 邻居 老婆子 "
            + "son daughter grandson granddaughter grandchild mum mom mother mommy mummy mam dad father daddy husband "
            + "wife brother sister friend aunt auntie aunty uncle niece nephew partner cousin mother-in-law "
            + "father-in-law sibling girlfriend boyfriend fiance fiancee relative neighbour neighbor companion"),
    ]

    static let subjectivePronouns = "他 她 佢 he she they he's she's he’s she’s hes shes"
    static let possessivePronouns = "his her him them their"
    static let reporter = "我 i i'm i’m im me i've"
    static let relatives = "who"
    static let leftBehind = "在我这里 在我这儿 在我这 在我手里 在我手上 在我身上 在我们这里 在我们这 留在 落在 忘在 left_behind"

    /// Markers that end a phrase as well ("with" also joins clothes: "red top with blue jeans").
    static let companionBreaking = "with with_her with_his together_with along_with accompanied_by pushed_by "
        + "held_by looked_after_by carried_by 由 被 跟着 陪着 带着 领着 牵着 扶着 陪 同"
    /// Markers that join words as well ("red and white", "上衣和裤子").
    static let companionJoining = "和 跟 与 and"

    static let lost = "走丢 走失 跟丢 跟丢了 丢了 不见 不见了 找不到 唔见 唔见咗 搵唔到 失踪 走散 迷路 lost lose loses losing missing wandered disappeared gone_missing separated"

    static let ageMarkers = "年龄 年纪 岁数 今年 age aged"
    static let heightMarkers = "身高 个子 个头 height"

    static let agePhrases: [(AgeGroup, String)] = [
        (.elderly, "年纪大了 上了年纪 年纪大 年纪挺大 岁数大了 岁数大 老年 退休 古稀 耄耋 年纪很大 "
            + "elderly quite_elderly very_elderly getting_on getting_on_a_bit retired senior_citizen oap"),
        (.child, "刚上小学 上小学 小学 幼儿园 上幼儿园 还不会说话 不会说话 还在吃奶 学龄前 一年级 二年级 三年级 "
            + "still_in_nappies in_nappies nappies still_in_diapers in_diapers diapers just_started_school started_school primary_school nursery "
            + "kindergarten preschool pre-school reception year_one year_two"),
        (.adult, "初中 高中 大学 secondary_school high_school university college sixth_form"),
    ]

    static let ageAdjectives: [(AgeGroup, String)] = [
        (.child, "little small young 小"),
        (.elderly, "old older"),
        (.adult, "teenage teen grown grown-up"),
    ]

    static let decades: [(Int, String)] = [
        (20, "twenties"), (30, "thirties"), (40, "forties"), (50, "fifties"), (60, "sixties"), (70, "seventies"),
        (80, "eighties"), (90, "nineties"),
    ]

    static let wholeBody = "一身 全身 浑身 一套 all_in head_to_toe from_head_to_toe top_to_toe all_over head_to_foot"
    static let negation = "不是 没穿 没戴 没带 冇戴 冇穿 冇带 冇 没有带 没有 没拿 没背 不带 without doesn't_have didn't_bring didn't_take left_his left_her not isn't wasn't isnt wasnt no_longer"
    static let corrections = "不对 说错了 更正 哦对了 纠正 应该说是 应该说 准确说 我说错了 no_wait actually sorry i_mean correction or_rather"
    static let copula = "是 为 系 is was are were 's"
    static let phraseBreaks = "穿 穿着 穿著 着住 穿住 戴住 背住 揹住 拎住 攞住 攞 揸住 揸 攥着 身穿 穿了 穿的 戴 戴着 戴了 背着 背 拿着 拿 拎着 拎 提着 推着 推 打着 打 坐在 坐着 坐 "
        + "抱着 拄着 拄 骑着 骑 带 挎着 "
        + "wear wearing wears wore worn dressed in has have had carrying carries holding holds pushing pushes riding "
        + "rides using uses sitting sits on under underneath over wearin"
    static let builds: [(BodyBuild, String)] = [
        (.slim, "瘦 偏瘦 很瘦 瘦瘦的 瘦小 slim thin skinny slender petite"),
        (.heavy, "胖 偏胖 胖胖的 壮 微胖 chubby fat plump stocky heavy heavyset tubby well-built overweight"),
    ]

    /// Words between a colour and its garment that do not part them ("black short pants", "红色长款
    /// 羽绒服", "brown tweed cap"): sizes, cuts and fabrics.
    static let adjectives = "长款 短款 长柄 折叠 篮球 足球 平底 长 短 厚 薄 大 新 旧 宽松 纯 纯色 加绒 毛呢 呢子 灯芯绒 丝绸 棉麻 针织 带帽子的 带帽的 带帽 连帽 "
        + "golf short long big large tiny thin thick warm new baggy loose tight fluffy furry woolly wooly woollen knitted "
        + "knit plain cotton wool leather tweed corduroy cord linen silk velvet waterproof padded quilted zip-up zip "
        + "sleeveless hooded light-up light_up sparkly glittery shiny comfy comfortable oversized smart summer winter "
        + "football rugby school sports sporty running walking hiking cargo camo light_wash dark_wash mid_wash acid_wash "
        + "stonewash stone_wash stonewashed ripped distressed "
        // Brands said before the garment ("a black Nike hoodie", "耐克运动鞋"): they name no garment themselves.
        + "nike adidas puma reebok fila north_face the_north_face new_balance under_armour uniqlo zara gap "
        + "耐克 阿迪 阿迪达斯 李宁 安踏 优衣库 "

    /// Words that carry no meaning for the reading; listed so they are neither "not understood"
    /// nor taken for a misspelt word.
    static let stopWords =
        "着 了 与 及 以及 支 一支 俺 咗 啲 喺 面包 包子 另一个 另外一个 另外 还有 或 或者 约 大约 大概 左右 一 一件 件 一条 条儿 一个 个 名 位 都 在 很 比较 偏 一点 有点 最后 看到 "
        + "看见 此人 我的 家 我家 我们 我们家 他的 她的 上面 下面 里面 外面 里 上 下 相间 也 还 就 又 再 那 这 那个 这个 一双 双 一顶 顶 "
        + "一把 把 一只 只 一套 套 款 样 样子 颜色 的话 吧 呢 啊 呀 吗 嘛 哦 喂 请 帮 帮忙 帮我 麻烦 谢谢 快 急 着急 "
        + "刚才 刚刚 现在 今天 早上 上午 下午 中午 晚上 分钟 小时 前 后 时候 然后 就是 大家 个子不高 个子高 高高的 矮矮的 矮 高 "
        + "有 没有 没 自己 一起 一下 应该 可能 好像 记得 只记得 反正 其实 特别 非常 蛮 挺 太 那边 这边 附近 旁边 门口 景区 "
        + "a an the in on at of to for from by and or but so if as it its it's this that these those there here other "
        + "my our your me we us you who which what when where while was were been being is are am be do does did "
        + "has had have having about around approx approximately roughly circa maybe perhaps probably think thought "
        + "last seen lost see saw look looks looking like person people both one also plus just very quite really "
        + "bit little tall short small big tiny thin long please help hi hello excuse sorry thanks thank urgent "
        + "minutes minute ago hour hours now today morning afternoon evening near next behind front side "
        + "left right main entrance exit area park gift centre center toilets toilet info desk ticket office queue "
        + "got get go went going come came coming can could would should will must may might then than too "
        + "with up down out off over into onto upon some any all every each no yes not only still again ever "
        + "he she his her him they them their i i'm my mine myself himself herself back find found finding come "
        + "coming comes wait waiting waited stay stayed stand standing stood said says told tell know knows knew "
        + "call called calling ring answer answering phone's bring brought take took taken make made name named "
        + "walk walked run ran play playing played went goes search searching searched speak "
        + "speaks speaking english chinese spanish french korean japanese tourist tourists group family "
        + "again away along across through toward towards round turned turn pay paid buy buying bought ice cream "
        + "creams lunch food court pond lake river water fountain garden temple pagoda museum hotel station car_park "
        + "everywhere anywhere somewhere nowhere someone anyone everyone nobody hasnt hasn't didnt didn't doesnt "
        + "doesn't dont don't cant can't wont won't isnt aren't arent wasnt wasn't confused dementia alzheimer's "
        + "worried scared frightened crying upset friendly shy quiet deaf blind gets get gone just only ever "
        + "since until before after during because how why much many more most less few lot lots well best good "
        + "bad very sure ok okay bye thanks asap please plz pls"

    /// Person words and pronouns by gender, so "she" after "my husband …" goes back to the missing person.
    static let male = "he him his he's hes 他 husband dad father daddy brother son grandson grandpa grandfather grandad "
        + "granddad gramps grampa granpa man boy gentleman guy lad uncle nephew boyfriend 爸 爸爸 父亲 老爸 哥哥 弟弟 儿子 "
        + "孙子 外孙 爷爷 外公 姥爷 老公 丈夫 叔叔 伯伯 舅舅 男孩 小男孩 男人 男子 老头 老大爷 大爷 小伙子"
    static let female = "she her she's shes 她 wife mum mom mother mummy mommy sister daughter granddaughter grandma "
        + "grandmother granny nan nana gran woman lady girl aunt auntie niece girlfriend 妈 妈妈 母亲 老妈 姐姐 妹妹 女儿 "
        + "孙女 外孙女 奶奶 外婆 姥姥 老婆 妻子 阿姨 女孩 小女孩 女人 女子 老太太 老奶奶 大妈"

    /// Kinship words for a child of the family (a son, a grandchild), who may be the child a text
    /// first calls 孩子 or "little girl".
    static let childKin = "儿子 女儿 孙子 孙女 外孙 外孙女 外甥 外甥女 侄子 侄女 闺女 son daughter grandson granddaughter "
        + "grandchild nephew niece"

    /// Words for the same person in either language, so "我儿子 lost, my son is 6" is one person.
    static let sameKin: [String] = [
        "儿子 son", "女儿 daughter 闺女", "孙子 grandson", "孙女 granddaughter", "妈妈 妈 老妈 母亲 mum mom mother mummy mommy",
        "爸爸 爸 老爸 父亲 dad father daddy", "奶奶 老奶奶 grandma grandmother granny nan nana gran",
        "爷爷 老爷爷 grandpa grandfather grandad granddad gramps grampa granpa", "姥姥 外婆", "姥爷 外公",
        "老公 丈夫 husband", "老婆 妻子 wife", "宝宝 baby 宝贝",
    ]

    /// Common slips of Chinese input methods and English typing, fixed before reading.
    /// English misspellings too short or too far for the one-edit rule, fixed as words.
    static let englishSlips: [(String, String)] = [
        ("blu", "blue"), ("wering", "wearing"), ("waering", "wearing"), ("wearng", "wearing"), ("trowsers", "trousers"),
    ]

    static let typos: [(String, String)] = [
        ("篮色", "蓝色"), ("兰色", "蓝色"), ("蓝涩", "蓝色"), ("皇色", "黄色"), ("恢色", "灰色"), ("库子", "裤子"), ("外逃", "外套"),
        ("衣副", "衣服"), ("群子", "裙子"), ("冒子", "帽子"), ("t血", "t恤"), ("牛崽裤", "牛仔裤"), ("上依", "上衣"), ("卫依", "卫衣"),
        ("红涩", "红色"), ("黑涩", "黑色"), ("白涩", "白色"), ("绿涩", "绿色"), ("黄涩", "黄色"), ("灰涩", "灰色"), ("粉涩", "粉色"),
        ("紫涩", "紫色"), ("棕涩", "棕色"), ("裤字", "裤子"), ("鞋字", "鞋子"), ("帽字", "帽子"), ("外淘", "外套"), ("外涛", "外套"), ("运动写", "运动鞋"), ("皮写", "皮鞋"), ("衬杉", "衬衫"),
        ("毛依", "毛衣"), ("雨依", "雨衣"), ("羽绒副", "羽绒服"), ("运动副", "运动服"), ("连衣群", "连衣裙"), ("短群", "短裙"),
    ]
}
