"""The asks as data: each row names an ask, the phrases that trigger it (English and Chinese, kept as lists of
patterns), the facts it needs (required slots, with the one short question to ask when one is missing), the facts
it uses when given (optional slots), the answer that plans its tool calls (advisor/offline/answers_asks.py), its
priority and the asks it yields to.

`route` picks the highest-priority row whose phrases match and whose required facts are known; when phrases match
but a required fact is missing, it returns the row with that fact named, and the answer says what it can and asks
for the missing fact. Rows here are consulted before `asks.detect`, which reads the older asks (fit, memory, speed,
time, cost, plans, buy-or-rent, comparisons, concepts) from its own tables of situations, rewrites and conflicts.
Adding an ask is one row here and one answer function: the power/energy ask went in that way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from tools.gpus import DESCRIBED

from .parse import Slots


@dataclass(frozen=True)
class AskSpec:
    name: str
    en: tuple[str, ...]  # trigger patterns, English (case-insensitive regular expressions)
    zh: tuple[str, ...]  # trigger patterns, Chinese
    answer: str  # function name in answers_asks
    requires: tuple[str, ...] = ()  # slot tests (see `_has`): "model", "gpu", "gpus>=2", "formats>=2", ...
    optional: tuple[str, ...] = ()  # slots the answer uses when given (documentation and the accounting of figures)
    missing: dict = field(default_factory=dict)  # required slot -> (English question, Chinese question)
    priority: int = 0
    yields_to: tuple[str, ...] = ()  # legacy asks (asks.PATTERNS) that win when their phrases match too
    unless: tuple[str, ...] = ()  # slot tests that rule the row out
    carries: bool = True  # a follow-up that names no new ask ("and in fp8?") asks this again


_DEFENCE = (r"(?!\s+(?:detection|detector|prevention|screening|classifi\w+|filter\w*|analysis|analytics|research|scanner|"
            r"scanning|triage|defen[cs]e|awareness|simulation training))")  # "a phishing classifier" defends against it
HARMFUL = (rf"\bmalware\b{_DEFENCE}", rf"\bransomware\b{_DEFENCE}", r"\bkeylogger\b", rf"\bspyware\b{_DEFENCE}",
           rf"\bbotnet\b{_DEFENCE}", r"\b(?:for|a|the) ransom\b|\bransom (?:note|payment|demand)s?\b|\bextort\w*", rf"\bphishing\b{_DEFENCE}(?!.{{0,40}}\b(?:classifier|detector|detection)\b)",
           r"\bsteal(?:s|ing)? (?:passwords?|credentials|data|cookies|credit cards?)", r"\bhack(?:ing)? into\b",
           r"\bcrack(?:ing)? (?:passwords?|wi-?fi|licen[cs]e)", r"\bddos\b", r"\bexploit (?:code|kit)\b",
           r"\b(?:make|build) (?:a )?(?:bomb|weapon|explosive)",
           # weapons that kill at scale, singular or plural: names and the words around them
           r"\b(?:bio|chemical |biological |nuclear )weapons?\b", r"\bnerve (?:agents?|gas)\b",
           r"\b(?:sarin|tabun|soman|novichok|mustard gas|ricin|anthrax|botulinum toxin)\b",
           r"\b(?:synthes\w+|make|produc\w+|weaponi[sz]\w*)\b.{0,40}\b(?:toxins?|pathogens?|nerve|chemical agents?|explosives?)\b",
           # sexual images or video of a real person without their consent
           r"\bdeep ?fakes?\b.{0,60}\b(?:porn\w*|nudes?|naked|sexual|explicit|nsfw)\b|"
           r"\b(?:porn\w*|nudes?|naked|sexual|explicit|nsfw)\b.{0,60}\bdeep ?fakes?\b|"
           r"\b(?:nudes?|naked|porn\w*|sexual|explicit)\b.{0,40}\b(?:of|featuring)\b.{0,20}\b(?:my (?:ex|coworker|classmate|neighbou?r|boss)|"
           r"a (?:real|specific) (?:person|woman|girl)|celebrit\w+|actress|someone i know)\b",
           r"\bcryptojack", r"\bbypass (?:the )?(?:paywall|drm|licen[cs]e check)",
           r"\bstolen\b", r"\bwithout (?:getting|being) (?:caught|detected|noticed|traced)\b",
           r"\b(?:someone|somebody|other people|others)(?: else)?'?s? (?:accounts?|credentials|api keys?|logins?|cards?)\b",
           r"\bstolen (?:credit )?cards?\b", r"\bfake (?:accounts|identit(?:y|ies)|ids?)\b", r"\bcarding\b",
           r"\b(?:evade|bypass|get around|circumvent|dodge)\b.{0,30}\b(?:export controls?|sanctions|quotas? by)\b",
           r"\b(?:unlock|bypass|circumvent|remove|get around)\b.{0,30}\b(?:compute|performance|bandwidth) (?:caps?|limits?)\b.{0,30}"
           r"\b(?:h20|h800|a800|4090 ?d)\b|\bflash\w* (?:the |a )?v?bios\b.{0,40}\b(?:unlock|h100|full (?:speed|performance))\b",
           r"\bsmuggl\w+\b", r"\bfake news\b", r"\bdisinformation\b", r"\bastroturf", r"\bpropaganda bots?\b",
           r"\b(?:bypass|get around|circumvent|evade)\b.{0,30}\b(?:kyc|identity|id|verification|real-name)\b",
           r"\b(?:mass|bulk)[- ]?(?:register|creat|sign)\w*\b.{0,20}\baccounts\b",
           # concealment from the people who own or run the hardware or the account
           r"\bwithout (?:the |my |our |their |any )?(?:admins?|administrators?|owners?|it|boss|employer|school|"
           r"university|lab|company|anyone|anybody|them)\b.{0,15}\b(?:notic|know|find(?:ing)? out|see|seeing|detect)",
           r"\bhide\b.{0,30}\b(?:process(?:es)?|usage|mining|miner|jobs?|workloads?)\b.{0,20}\bfrom\b",
           r"\b(?:doesn'?t|does not|won'?t|will not|wouldn'?t|not|never)\s+(?:show(?:s)? up|appear|be (?:seen|visible|noticed|logged))\b"
           r".{0,30}\b(?:nvidia-smi|monitoring|dashboards?|logs?|admins?|it team|audit)",
           r"\bleak(?:ed)?\b.{0,30}\b(?:weights|checkpoints?|model files?)\b|\b(?:weights|checkpoints?)\b.{0,20}\bleak(?:ed)?\b",
           r"\b(?:avoid|evade|dodge|escape)\w*\b.{0,20}\b(?:detection|getting (?:banned|caught|flagged)|being (?:banned|"
           r"caught|flagged)|bans?)\b",
           # credentials or compute that are not the person's
           r"\b(?:leaked|stolen|scraped|found|someone'?s|other people'?s)\b.{0,40}\b(?:api |access |aws |gcp |azure |cloud )?"
           r"(?:keys?|credentials|tokens|logins?)\b(?!.{0,20}\b(?:per|a|/)\s*(?:second|sec|s|day|month)\b)",
           # getting past a provider's limits with extra identities, and asking whether they will notice
           r"\b(?:more|extra|multiple|several|a few|new|different|many|rotating|throwaway|burner|\d+)\s+(?:\w+\s+)?accounts?\b"
           r".{0,80}\b(?:quota|limit|cap|capped|ban)\w*|\brotat\w*\s+(?:\w+\s+)?accounts?\b|"
           r"\b(?:quota|limit|cap|capped|banned)\b.{0,80}\b(?:more|extra|multiple|several|a few|new|\d+)\s+(?:\w+\s+)?accounts?\b",
           r"\b(?:will|would|do|does)\s+(?:they|aws|gcp|azure|google|amazon|the (?:provider|cloud|admins?|company))\s+"
           r"(?:notice|find out|detect|catch|flag)\b",
           # deceiving third parties: mail past the spam filters, bank look-alikes, fake reviews, posing as a human
           r"\b(?:so|that|without)\b.{0,20}\b(?:gmail|outlook|yahoo|spam filters?|the filters?)\b.{0,20}"
           r"\b(?:flag|flags|catch|catches|detect|detects|filter|filters)\b",
           r"\b(?:account|identity|security|password[- ]reset) (?:verification )?(?:e-?mails?|messages?|texts?|sms)\b.{0,80}"
           r"\b(?:bank|paypal|their name|personali[sz]ed)\b",
           r"\bfake (?:reviews?|testimonials?|ratings?|followers|likes)\b|\b(?:reviews?|testimonials?)\b.{0,40}"
           r"\b(?:sock ?puppet|fake|burner) accounts?\b",
           r"\bpretend(?:ing|s)? to be (?:a )?(?:real|human|person|girl|woman|man)\b|\b(?:without|so) (?:them|they|users|people|"
           r"anyone)\b.{0,25}\b(?:know(?:ing)?|realiz\w*|notic\w*|find(?:ing)? out)\b.{0,25}\b(?:ai|a bot|bots?)\b",
           r"\b(?:mine|mining)\b.{0,40}\b(?:friend'?s|work|company|employer'?s|school'?s|university'?s|lab'?s|someone"
           r"(?: else)?'?s)\b|\b(?:friend'?s|work|company|employer'?s|school'?s|university'?s|lab'?s)\b.{0,60}\b(?:mine|"
           r"mining) (?:crypto|bitcoin|monero|eth)",
           # breaking into data that is not the person's, and fraud
           r"\bcrack(?:ing)?\b.{0,30}\b(?:hash(?:es)?|passwords?|bcrypt|md5|sha-?\d*)\b",
           r"\b(?:database|db|data) dump\b.{0,40}\b(?:took|taken|stole|stolen|copied|grabbed|leaked)\b|"
           r"\b(?:took|taken|stole|stolen|copied|grabbed)\b.{0,30}\bfrom (?:my |our |the )?(?:ex-?employer|former employer|"
           r"old job|previous (?:job|employer)|last job)",
           r"\b(?:scam|fraud(?:ulent)?|phishing)\b(?!\s+(?:detection|prevention|screening|classifi\w+|filter\w*|risk|"
           r"analytics|investigat\w+|monitoring))"
           r".{0,30}\b(?:sms|texts?|messages?|emails?|calls?|model|bot|site)s?\b",  # "our fraud detection model" is not fraud
           # families, not phrases: a sizing question never needs to stay unseen, use what is not the person's, or
           # multiply free accounts. Concealment from whoever runs the hardware or counts its use:
           r"\b(?:without|not|never|no)\b.{0,25}\b(?:show(?:s|ing)? up|appear(?:s|ing)?|being (?:seen|noticed|detected|logged|"
           r"tracked|flagged))\b.{0,40}\b(?:nvidia-smi|slurm|accounting|monitor\w*|dashboards?|logs?|admins?|audit\w*|"
           r"billing|top|htop)\b",
           r"\bundetect(?:ed|able)\b|\bunder the radar\b|\bstealth(?:ily| mode)?\b.{0,30}\b(?:min\w+|jobs?|process\w*|gpus?)\b|"
           r"\bso (?:that )?(?:no ?one|nobody|(?:my |the )?(?:boss|admins?|it|company)) (?:knows|notices|finds out|sees)\b",
           # compute or credentials that belong to someone else
           r"\b(?:former|ex-?|old|previous)\s*(?:colleague|co-?worker|employee|employer|teammate|boss)'?s?\b.{0,30}"
           r"\b(?:keys?|accounts?|credentials|logins?|passwords?|tokens?)\b",
           r"\b(?:miner|mining|cryptomin\w*|monero|xmr)\b.{0,50}\b(?:company|work|employer|school|university|lab|cluster|"
           r"office)\b",
           # many free accounts for one person
           r"\b(?:auto[- ]?creat\w*|mass[- ]?creat\w*|bulk[- ]?creat\w*|generat\w* )\b.{0,40}\baccounts\b|"
           r"\b\d{2,}\s+(?:\w+\s+){0,2}accounts\b.{0,60}\b(?:temp(?:orary)?|disposable|burner|fake|throwaway)\b|"
           # code that spreads itself to machines that are not the person's, disguises, and getting past sanctions
           r"\bspread(?:s|ing)? (?:itself )?(?:to|across|through|over) (?:the |all )?(?:other |every )?(?:machines|computers|"
           r"hosts|pcs|servers|workstations|nodes)\b|\bself[- ]?(?:propagat|replicat|spread)\w*|\bworm\b",
           r"\bwithout (?:people|anyone|anybody|them|others|(?:my|our|the|their) (?:boss|team|coworkers|colleagues|users|"
           r"employer|company|school|admins?|it(?: team)?|owners?|manager))\s+(?:knowing|noticing|realizing|finding out)\b",
           r"\b(?:rename|disguise|mask|camouflage)\w*\b.{0,40}\b(?:looks? like|appears? (?:as|like)|pass(?:es)? (?:as|for))\b",
           r"\bsanctioned\b|\bsanctions?\b.{0,30}\b(?:around|evade|evading|bypass|avoid|get past|despite)\b|"
           r"\bshell compan(?:y|ies)\b",
           # keeping use hidden from monitoring, and payouts from someone else's machines
           r"\b(?:keep|stop|prevent|hide)\b.{0,50}\bfrom (?:showing up|appearing|being (?:seen|noticed|detected|logged|flagged))\b",
           r"\bquietly\b.{0,40}\b(?:min(?:e|er|ing)|crypto|payouts?)\b|\bpayouts?\b.{0,30}\b(?:my own|personal) "
           r"(?:wallet|account)\b",
           r"\bcompromised\b.{0,20}\b(?:pcs|machines|computers|servers|hosts|gpus|accounts)\b",
           r"\bsilently (?:install|run|deploy)\w*\b.{0,40}\b(?:miner|mining|worker|crypto|on (?:their|customers'?|users'?))|"
           r"\bhide\b.{0,30}\bfrom (?:the )?task manager\b|"
           r"\b(?:customers?|users?|owners?)\s+(?:aren'?t|are not|isn'?t|is not|don'?t)\s+(?:looking|watching|around|using)\b",
           r"\b(?:transship\w*|re-?export\w*|front compan(?:y|ies)|shell compan(?:y|ies))\b.{0,80}\b(?:export controls?|customs|"
           r"sanction\w*|h100s?|gpus?)\b|\b(?:declare|label|list)\w*\b.{0,30}\b(?:as|like)\b.{0,20}\b(?:generic|ordinary|normal)\b.{0,20}"
           r"\b(?:server|parts|components|hardware)\b",
           # fraud against a person or a platform: impersonation, fake reviews past detection, mining on trial accounts
           r"\bvoice[- ]?clon\w*\b.{0,160}\b(?:without (?:him|her|them) knowing|authori[sz]e|wire transfers?|impersonat\w*|"
           r"pretend)|\bimpersonat\w+\b.{0,40}\b(?:ceo|cfo|boss|executive|manager|bank|police)\b",
           r"\bwithout (?:him|her|the (?:ceo|owner|boss|user))\s+(?:knowing|noticing|finding out)\b",
           r"\bfake\b.{0,20}\b(?:reviews?|testimonials?|ratings?)\b",
           r"\b(?:get|slip|sneak)\s+(?:past|around|by)\b.{0,40}\b(?:detection|filters?|moderation|fraud checks?)\b",
           r"\b(?:before|avoid|evade|dodge)\b.{0,40}\bfraud detection\b|\bfraud detection\b.{0,30}\b(?:flags?|catches)\s+(?:me|us)\b",
           r"\b(?:mine|mining)\b.{0,20}\b(?:monero|xmr|bitcoin|crypto)\b.{0,120}\b(?:free[- ]trial|trial accounts?|"
           r"fresh accounts?|rotat\w+|banned|look like)\b",
           # passing one kind of use off as another to whoever provides the compute, and farming trial credits
           r"\bdisguise\w*\b.{0,40}\b(?:traffic|jobs?|usage|workloads?|requests|inference)\b",
           r"\b(?:forbids?|prohibits?|bans?|not allowed|no)\b.{0,20}\bcommercial (?:use|usage)\b.{0,120}"
           r"\b(?:quietly|secretly|anyway|disguise|hide|without (?:them|telling))\b",
           r"\b(?:farm|farming)\b.{0,30}\b(?:credits?|trials?|sign-?ups?|bonuses)\b|\bfree[- ]trial accounts\b",
           r"\bfrom linking (?:the |our |my )?accounts\b|\bresidential prox(?:y|ies)\b|\bfingerprint spoof\w*",
           r"\b(?:temp(?:orary)?|disposable|burner|throwaway)[- ]?e-?mails?\b.{0,60}\baccounts?\b|"
           r"\baccounts?\b.{0,60}\b(?:temp(?:orary)?|disposable|burner|throwaway)[- ]?e-?mails?\b",
           # made-up results passed off as measured, to whoever decides on them (investors, customers, reviewers)
           r"\b(?:fabricat\w*|fake|falsif\w*|doctor(?:ed)?|make up|made[- ]up|invent|inflat\w*|pad|cook(?:ed)? up)\b.{0,30}"
           r"\b(?:benchmarks?|results?|logs?|numbers|metrics|screenshots?|throughput|figures)\b.{0,80}\b(?:investors?|vcs?|"
           r"pitch|deck|customers?|clients?|board|paper|reviewers?|auditors?|due diligence)\b|"
           r"\blooks? like (?:real|genuine|authentic) (?:logs?|results?|output|benchmarks?|screenshots?)\b",
           r"\b(?:tweak|massage|fudge|fiddle with|cook|doctor|p-?hack)\w*\b.{0,30}\b(?:eval\w*|results?|numbers|metrics|scores?|"
           r"benchmarks?)\b.{0,140}\b(?:reviewers?|won'?t (?:catch|notice)|catch it|without (?:anyone|them) (?:noticing|knowing))\b|"
           r"\bcherry[- ]?pick\w*\b.{0,60}\b(?:seeds?|runs?|results?|test (?:items|cases|examples))\b.{0,100}\b(?:reviewers?|won'?t "
           r"(?:catch|notice)|catch it|hide)\b")

HARMFUL_ZH = (r"恶意软件|木马|勒索|病毒程序|盗号|窃取(?:密码|账号|数据)|破解(?:密码|软件|wifi)|钓鱼网站|键盘记录|"
              # weapons that kill at scale; sexual images of a real person without consent
              r"神经毒剂|神经毒气|毒气|化学武器|生物武器|核武器|沙林|芥子气|蓖麻毒素|炭疽|(?:合成|制造|制作|提炼).{0,10}(?:毒剂|毒素|毒品|炸药)|"
              r"(?:色情|裸照|裸体|不雅|成人).{0,20}(?:deep ?fake|换脸|ai ?换脸)|(?:deep ?fake|换脸).{0,20}(?:色情|裸|不雅|成人)|"
              r"(?:明星|女星|男星|网红|同事|前任|前女友|同学|真人|某人).{0,12}(?:色情|裸照|裸体|不雅)|"
              r"(?:色情|裸照|裸体|不雅).{0,12}(?:明星|女星|男星|网红|同事|前任|前女友|同学|真人)|"
              r"黑进|入侵(?:别人|他人)|ddos|炸弹|武器|(?:绕过|绕开|规避|避开|躲开).{0,10}(?:出口管制|制裁|管制)|走私|偷偷(?:运|带)|"
              r"盗刷|虚假账号|假账号|(?:改驱动|刷\s*bios|破解|解锁|绕过|绕开).{0,24}(?:(?:算力|性能)限制|限制解锁|解锁.{0,6}算力|h100\s*的?(?:水平|性能))|"
              r"绕过.{0,12}(?:实名|认证|验证|风控|审核)|批量注册|薅.{0,6}(?:免费|羊毛|算力)|假新闻|虚假(?:新闻|信息)|造谣|谣言|"
              r"带节奏|水军|刷单|刷量|刷评|盗用|盗取|偷用|冒用|被盗|偷来的|(?:别人|他人|其他人)的.{0,6}(?:账号|账户|密钥|凭证|信用卡)|"
              r"不被.{0,6}(?:发现|抓|查到|追踪|察觉|检测到)|(?:泄露|泄漏|偷来|盗来).{0,6}的.{0,8}(?:权重|模型|checkpoint)|"
              # concealment, and credentials or compute that are not the person's
              r"(?:避免|防止|不会?|以免|怕)被封|隐藏.{0,6}进程|瞒着|躲过.{0,6}(?:检测|审计|监控)|不让.{0,8}(?:发现|知道)|"
              r"(?:泄露|泄漏|捡到|偷到|买来)(?:出来|来|到)?的.{0,12}(?:key|密钥|账号|账户|凭证|token|access)|不(?:容易|易|太会)被封|白嫖.{0,10}(?:key|密钥|账号|额度)|"
              r"(?:key|密钥|账号|凭证).{0,20}白嫖|(?:公司|学校|实验室|单位|朋友)的.{0,12}(?:挖矿|挖币)|(?:挖矿|挖币).{0,20}(?:公司|学校|实验室|单位)|"
              r"诈骗|骗人|骗钱|钓鱼(?:短信|邮件|网站|链接)|破解.{0,8}(?:哈希|密码|hash)|拖库|撞库|前公司的.{0,10}(?:数据|数据库)|"
              r"(?:不会|别|不要|不能)被.{0,10}(?:发现|查到|知道|察觉)|偷偷.{0,16}(?:挖矿|挖币|跑|用)|"
              # families: staying unseen ("不容易被发现", "不易察觉"), what is not the person's ("前同事的 AccessKey",
              # "离职员工的账号"), many free accounts ("注册 200 个号")
              r"不(?:容易|易|太会|怎么)被.{0,10}(?:发现|查到|知道|察觉|检测|追踪)|不(?:易|容易)(?:察觉|发现)|神不知鬼不觉|"
              r"(?:同事|前同事|老同事|离职员工|离职同事|前员工|前任|朋友|室友|老板|导师)的.{0,16}(?:key|密钥|账号|账户|凭证|"
              r"密码|accesskey|access key|ak\b|token)|离职.{0,20}(?:账号|key|密钥|accesskey).{0,12}(?:还能用|能用|没注销)|"
              r"(?:注册|搞|开|弄)\s*\d{2,}\s*个?.{0,12}?(?:号|账号|账户|小号)|(?:临时|一次性)邮箱.{0,20}(?:注册|账号)|"
              r"(?:掩护|伪装|假装|冒充|看起来像).{0,20}(?:挖矿|挖币|矿)|(?:挖矿|挖币|跑矿).{0,30}(?:掩护|伪装|假装|看起来像|不被)|"
              r"被封.{0,10}(?:还想|再|这次)|多(?:开|注册)几个(?:号|账号)|换.{0,6}(?:账号|身份).{0,10}(?:配额|额度|限额)|"
              # deceiving third parties: fake reviews, posing as a human, luring payments, mail past spam filters
              r"(?:好评|评价|评论|晒单|点评).{0,30}(?:小号|假|刷|看起来像真人|像真人写)|假的?.{0,8}(?:好评|评价|评论|种草|测评|笔记|晒单)|"
              r"(?:不被|躲过|绕过|避开|防止被|规避|逃避|逃过).{0,8}(?:平台|系统|风控|算法)?.{0,4}(?:识别|检测|判定|发现|审核)|"
              r"刷(?:好评|差评|五星|销量|单)|"
              r"(?:小号|水军).{0,20}(?:好评|评论|评价|点评)|"
              r"扮成真人|冒充真人|假装(?:成)?真人|伪装成真人|(?:不能|别|不要|不会)让.{0,10}(?:发现|知道|看出).{0,8}(?:是\s*ai|是机器人|是模型|是\s*bot)|"
              r"(?:引导|诱导|忽悠).{0,8}(?:充值|付款|转账|打钱)|(?:不被|躲过|绕过).{0,8}(?:垃圾邮件|反垃圾|风控)|"
              # spreading to machines that are not the person's, disguises, sanctions
              r"蠕虫|自动传播|自我复制.{0,10}(?:脚本|程序)|传播到.{0,10}(?:其他|别的|所有).{0,6}(?:机器|电脑|主机|服务器)|"
              r"(?:伪装成|假装成|冒充).{0,12}(?:训练|pytorch|正常).{0,6}(?:任务|进程|作业)|改.{0,6}进程名|"
              r"(?:被)?制裁(?:国家|地区)?.{0,30}(?:运|卖|买|发货|出口|弄到|搞到)|(?:薅|刷).{0,6}(?:试用|新用户).{0,6}(?:额度|代金券|赠金)|"
              r"(?:伪装成|假装成|冒充).{0,10}(?:科研|学术|研究).{0,6}(?:任务|用途|流量)|(?:运|卖|发货|出口|弄|搞).{0,30}(?:被)?制裁|"
              r"空壳公司|皮包公司.{0,20}(?:下单|采购|买)|拆单.{0,20}(?:规避|绕过|躲)|"
              # transshipment and false customs declarations around export controls
              r"壳公司.{0,12}(?:转运|中转|转口|买|采购)|报关.{0,8}(?:写成|报成|伪报|谎报|改成)|伪报|瞒报|"
              r"出口管制.{0,60}(?:转运|中转|壳公司|报关|第三国)|(?:转运|中转).{0,30}(?:出口管制|管制)|"
              r"(?:拆分|分批|拆开)报关|改.{0,4}(?:型号|标签|铭牌|序列号)|(?:不被|躲过|避开|逃过).{0,16}(?:海关|监管|查验|稽查).{0,8}"
              r"(?:查到|发现|查出)?|(?:海关|监管|英伟达|nvidia).{0,10}查(?:到|出|不到)|"
              # made-up results passed off as measured ("benchmark 数据编得好看点，翻个三倍，做成看起来像真实日志的截图")
              r"(?:伪造|捏造|编造|虚构|造假|做假|作假|注水).{0,12}(?:数据|结果|日志|跑分|benchmark|截图|指标|测试)|"
              r"(?:数据|结果|跑分|benchmark|日志|指标).{0,12}(?:编得|编一下|编个|造假|作假|做假|注水|改得好看)|"
              r"看起来像(?:真实|真的)的?.{0,4}(?:日志|截图|数据|结果|记录)")

# which ZeRO stage to use ("选哪个 stage 合适", "which ZeRO stage for 7B on 8x 4090?"): the lowest stage that fits
STAGE_CHOICE_EN = (r"\b(?:which|what) (?:deepspeed |zero[- ]?)?stage\b|\bstage (?:should|do|would) (?:i|we)\b|"
                   r"\bzero[- ]?[123]\b.{0,30}\bor\b.{0,10}\b(?:zero[- ]?)?[123]\b.{0,40}\?|\bwhich zero\b")
STAGE_CHOICE_ZH = r"(?:选|用)?\s*(?:哪个|哪一个|什么|哪种|哪级|哪一级)\s*(?:zero\s*)?(?:stage|阶段)|zero\s*(?:选|用)?\s*(?:哪个|哪一个|几|哪级)|stage\s*几"

SETUP_QUESTION = ("What for: which model, training or serving, and how much use (e.g. 'serve Llama 3.1 8B to 20 users' "
                  "or 'rent 2 H100s for a month')?",
                  "具体算什么：哪个模型、训练还是部署、用多少（例如“部署 Llama 3.1 8B 给 20 人用”或“租 2 张 H100 一个月”）？")

WHAT_JOB = ("Which model and size (e.g. Llama 3.1 8B or 70B), at what precision, on which GPU, and for what: training, "
            "fine-tuning or serving (how many users, what context)? For a cost, also self-hosted or an API, and hours a day.",
            "哪个模型、多大（例如 Llama 3.1 8B 还是 70B）、什么精度、用哪款 GPU、做什么：训练、微调还是部署（多少人同时用、"
            "多长上下文）？算成本还需要知道自建还是用 API、每天用几小时。")

# "how many users can it serve": with a model, the users it carries; a card and no model, per common size
CAPACITY_EN = (r"\bhow many (?:concurrent |simultaneous |parallel |active )?(?:\d+k[- ]?(?:context |token )?)?(?:chat )?(?:users|people|requests|streams|sessions|"
              r"customers)\b.{0,80}\b(?:can|could|will|would|does|do)\b",
              r"\b(?:users|people|requests|streams) (?:per|on (?:one|a|each)) (?:gpu|card)\b",
              r"\bhow many (?:concurrent |simultaneous )?(?:\d+k[- ]?(?:context |token )?)?(?:users|people|requests|streams)\b(?! do i need| would i need)",
              r"\b(?:max(?:imum)?|most) (?:concurrent |simultaneous )?(?:users|requests|streams|chats|conversations|sessions)\b",
              r"\bhow many (?:concurrent |simultaneous |parallel )?(?:chats|conversations|sessions|sequences)\b.{0,40}\b(?:can|could|will|does|fit|handle)\b",
              r"\bhow many (?:concurr?ent|simultaneous|parallel)\b(?! (?:users |requests )?(?:do|would|will) (?:i|we) need)",
              r"\bhow many (?:ppl|folks|persons|players|members|people|users)\b.{0,40}\b(?:at once|at the same time|"
              r"simultaneously|concurrently|before)\b",
             # any word before "users", typos included: "how many simultanious users before it falls over?"
              r"\bhow many (?:[a-z-]+ ){1,2}(?:users|people|requests|streams|sessions)\b.{0,60}\b(?:before|at once|"
              r"can|could|handle|support|serve|falls? over|max(?:es)? out|keep up|sustain)\b")
CAPACITY_ZH = (r"(?:能|可以).{0,4}(?:服务|支持|带|撑|承载|接|扛|容纳|应付|供).{0,4}(?:多少|几)(?:个)?(?:用户|人|并发|路)",
              r"(?:能|可以)(?:给|供|让)?\s*(?:多少|几)(?:个)?(?:人|用户)", r"(?:支持|承载|扛|撑)(?:多少|几)(?:个|路)?(?:人|用户|并发)",
              r"(?:多少|几)(?:个)?(?:用户|人|并发|路).{0,8}(?:能|可以)", r"最多.{0,8}(?:用户|人|并发)",
              r"(?:能|可以)(?:跑|开|撑|带|接)\s*(?:多少|几)\s*(?:个|路)?\s*(?:并发|用户|请求|会话|对话)",
              r"(?:塞|放|跑|容纳|装)(?:下)?\s*(?:多少|几)\s*(?:条|个|路)",
              r"(?:撑|扛|支持|带|承载|接)\s*(?:得住)?\s*(?:几|多少)\s*(?:个|路)?.{0,12}?(?:并发|用户|请求|会话)")


TABLE: tuple[AskSpec, ...] = (
    AskSpec("decline", HARMFUL, (HARMFUL_ZH,), "decline", priority=100, carries=False),
    AskSpec("social", (r"^\W*(?:ok(?:ay)?|thanks?(?: a lot| so much)?|thank you(?: very much)?|thx|ty|cool|great|nice|got it|"
                       r"perfect|awesome|hi|hello|hey)\W*(?:thanks?|thank you)?\W*$",),
            (r"^\W*(?:谢谢|多谢|好的|明白了|收到|你好|您好|感谢)\W*(?:谢谢)?\W*$",), "social", priority=99, carries=False),
    AskSpec("off_topic", (r"\b(?:write|compose|give) (?:me )?(?:a |an )?(?:\w+ ){0,3}(?:poem|story|song|joke|essay|haiku|limerick|rap)\b",
                          r"\bweather\b", r"\brecipe\b", r"\bitinerar(?:y|ies)\b|\bvacation\b|\bsightseeing\b|\bhoneymoon\b", r"\bhomework\b", r"\bcover letter\b|\bresume\b|\bcv for\b", r"\bderivative of\b|\bintegral of\b|"
                          r"\bdifferentiate\b|\bsolve (?:for [a-z]\b|the equation)|\blimit of\b.{0,20}\bas [a-z] (?:->|approaches)", r"\bsourdough\b|\bbaking\b|\bbake\b|\bcook(?:ing)?\b|\bgarden", r"\bstock price\b", r"\bhoroscope\b", r"\bcheck engine\b",
                          r"\b(?:my|the) (?:car|bike|dishwasher|washing machine|fridge|boiler|plumbing)\b",
                          r"\b(?:gaming|play(?:ing)? (?:games?|cyberpunk|fortnite|minecraft|elden ring|call of duty|valorant))\b|"
                          r"\bray[- ]tracing\b|\b\d+\s*fps\b|\b(?:cyberpunk|fortnite|minecraft|elden ring|valorant)\b"),
            (r"写.{0,3}(?:一首|一个|一篇|篇|首|个)?.{0,12}(?:诗|故事|歌词?|笑话|作文|小说|绝句|律诗|对联|打油诗)", r"天气", r"菜谱", r"股价",
             r"旅游|旅行|行程(?:规划|安排)|攻略|景点|自驾游",
             r"作业|求导|导数|不定积分|定积分|解方程|(?:化学|物理|数学|生物)(?:题|作业|考试)|求过程|mol\s*/\s*l",
             r"打游戏|玩游戏|游戏帧数|光追|黑神话|原神|吃鸡", r"(?:帮我|帮忙|给我)?写.{0,6}(?:周报|日报|月报|总结报告|邮件|简历|文案|情书|演讲稿)"),
            "off_topic", priority=98,
            unless=("model", "gpu_named"), carries=False),
    # games name GPUs too ("4070 super or 7800 xt for cyberpunk at 1440p?"): frame rates are outside whatever the card
    AskSpec("off_topic", (r"\b\d+\s*fps\b|\bfps\b.{0,40}\b(?:1080p|1440p|2160p|4k|ultra|high settings)\b|"
                          r"\b(?:1080p|1440p|2160p|4k)\b.{0,30}\b(?:gaming|fps|ultra|settings|ray[- ]?tracing)\b|"
                          r"\bplay(?:ing)? (?:games?|cyberpunk|fortnite|minecraft|elden ring|call of duty|valorant|starfield)\b|"
                          r"\b(?:cyberpunk|fortnite|elden ring|valorant|starfield|call of duty|warzone|baldur'?s gate)\b",),
            (r"打游戏|玩游戏|游戏帧数|帧数|帧率|光追|黑神话|原神|吃鸡|2k\s*分辨率.{0,10}(?:游戏|帧)",),
            "off_topic", priority=98, unless=("model", "llm_words"), carries=False),
    AskSpec("outside", (r"\S",), (), "outside", requires=("no_domain",), priority=1, carries=False),
    AskSpec("which_model",  # "Will it fit on a 3090?" with nothing before it: ask which model, never assume one
            (r"\b(?:will|would|does|can|could) (?:it|this|that) (?:fit|run|work)\b",
             r"\b(?:is|are)\b.{0,30}\benough\b.{0,30}\b(?:for (?:our|my|the|a)|to (?:run|serve|host))\b"),
            (r"(?:能|可以)(?:放得下|跑|运行)吗|放得下吗|跑得动吗|够不够",),
            "clarify_only", requires=("model",), priority=97, carries=False, yields_to=("largest",),  # "what can it run"
            unless=("training_on_gpu",),  # "一张 3090 够不够拿来微调？": what each method fits there (training_reach)
            missing={"model": ("Which model (and at what precision, e.g. 'Llama 3.1 8B in 4-bit')?",
                               "是哪个模型（什么精度，例如“Llama 3.1 8B 4-bit”）？")}),
    AskSpec("which_setup",  # "is the 4090 enough?" with no model: one short question, never a spec dump
            (r"\b(?:is|are)\b.{0,30}\benough\b\W*$",), (r"^\W*(?:够吗|够不够|够用吗)\W*$", r"^.{0,12}(?:够用吗|够不够用)\W*$"),
            "clarify_only", requires=("model",), priority=97, carries=False, missing={"model": SETUP_QUESTION},
            unless=("training_on_gpu",)),
    AskSpec("which_cost",  # "how much will it cost?" with no model, GPU or workload anywhere in the conversation
            (r"\bhow much (?:will|would|does) (?:it|this|that) cost\W*$", r"\b(?:calculate|estimate|work out) (?:the |my )?costs?\W*$"),
            (r"^\W*(?:帮我|请)?(?:算|估|计算|估算)(?:一下|下)?.{0,6}(?:多少钱|成本|费用)\W*$",),
            "clarify_only", requires=("subject",), priority=97, carries=False, missing={"subject": SETUP_QUESTION}),
    # "训练一个模型要多少钱？", "how much does it cost to fine-tune an llm?": no model, data or GPU said - typical jobs'
    # costs from the tools, then one question (answers_asks.training_cost_typical)
    AskSpec("training_cost_typical",
            (r"\bhow much (?:does|would|will|do|is) (?:it|they)? ?(?:cost|be) to (?:train|fine-?tune|pre-?train)\b"
             r"(?: (?:a|an|my|our|your|the|one))? ?(?:(?:own|custom|small|large|big) )?(?:llm|model|ai|language model|gpt)s?\b",
             r"\b(?:cost|price) (?:of|to) (?:train|fine-?tun)\w* (?:a|an|my|our|one)? ?(?:(?:own|custom|small|large|big) )?"
             r"(?:llm|model|ai|language model)s?\b\W*$"),
            (r"^\W*(?:我想|想|我们想|请问)?\s*(?:训练|微调|预训练|炼)(?:一个|个)?(?:自己的)?\s*(?:大)?模型.{0,8}(?:要|需要|得)?(?:多少钱|花多少|成本|费用|多少成本)",),
            "training_cost_typical", priority=96, unless=("model", "subject"), carries=False),
    # "8 张 A100，训练一个模型要多久？", "cost to finetune mistral?": typical jobs on the cards said, or of the family said
    AskSpec("training_cost_typical",
            (r"\bhow long\b.{0,30}\b(?:train|fine-?tune)\b.{0,12}\b(?:a|an|my|our)\s+(?:model|llm)\b\W*$",
             r"\b(?:cost|price)\b.{0,20}\b(?:to |of )?(?:train|fine-?tun\w*)\s+(?:a |an )?(?:llama|qwen|mistral|gemma|phi|deepseek)"
             r"\W*$"),
            (r"训练?(?:一个|个)?(?:大)?模型.{0,6}(?:要|需要)?(?:多久|多长时间|几天)", r"(?:微调|训练)\s*(?:一下)?\s*(?:llama|qwen|mistral|gemma|"
             r"phi|deepseek)\S{0,4}\s*(?:要|需要)?(?:多少钱|多久)"),
            "training_cost_typical", priority=95, unless=("model",), carries=False),
    # "预算 50 万、¥15/卡时，按 Chinchilla 能预训练多大的模型？": the compute the money buys, at 20 tokens a parameter
    AskSpec("largest_trainable",
            (r"\bhow (?:big|large) (?:a |of a )?model\b.{0,40}\b(?:train|pre-?train)", r"\b(?:largest|biggest) model\b.{0,40}"
             r"\b(?:train|pre-?train)", r"\bwhat size (?:of )?model\b.{0,40}\b(?:train|pre-?train)"),
            (r"(?:训练?|预训练|训)\S{0,6}多大的?模型|多大的?模型.{0,10}(?:训|预训练)",),
            "largest_trainable", requires=("any_budget", "usd_per_gpu_hour"), priority=95, carries=False,
            missing={"usd_per_gpu_hour": ("At what price per GPU-hour (e.g. '$2.5/h for an H100')?",
                                          "按每卡每小时多少钱算（例如 H100 每卡时 ¥15）？")}),
    AskSpec("model_facts",
            (r"\bhow many (?:layers|attention heads|heads|kv heads|experts|parameters|params)\b",
             r"\b(?:hidden size|vocab(?:ulary)? size|number of layers|head dim)\b"),
            (r"多少层|几层|多少个?(?:注意力)?头|隐藏层(?:维度|大小)|词表(?:大小)?|多少(?:个)?专家|参数量(?:是)?多少",),
            "model_facts", requires=("model",), priority=85, carries=False),
    AskSpec("prefill", (r"\bprefill\b", r"\btime to first token\b", r"\bttft\b.{0,40}\b(?:how|what)\b",
                        r"\bhow long\b.{0,40}\b(?:read|process|ingest)\b.{0,30}\bprompt\b"),
            (r"预填充|首 ?token.{0,10}(?:多久|多长时间|几秒)|处理.{0,20}提示词.{0,10}(?:多久|多长时间)|"
             r"(?:首字|首 ?token|首包)(?:延迟|时延|时间).{0,10}(?:多少|多久|多长|几秒|大概)",),
            "prefill", requires=("model", "gpu"), optional=("context", "count", "precision"), priority=75,
            unless=("training", "speed_not_ttft")),  # "how fast, and is prefill slow?": the speed answer gives both
    AskSpec("max_context",
            (r"\bwhat (?:context|sequence)(?: length)? can\b", r"\b(?:max(?:imum)?|longest|largest) (?:context|sequence)",
             r"\bhow (?:long|much) (?:a |of a )?context\b"),
            (r"(?:最大|最长).{0,8}(?:上下文|序列)|上下文.{0,6}(?:最多|最长|多长)|多长的?上下文|上下文(?:能)?(?:开|设)到?多(?:长|大)",),
            "max_context", requires=("model", "hardware"), priority=65, unless=("training", "concurrency")),
    AskSpec("volume",
            (r"\bhow many\b", r"\benough\b", r"\bdo (?:i|we) need\b", r"\bhandle\b", r"\bcarry\b", r"\bkeep up\b",
             r"\bsuffice\b", r"\bwhat (?:hardware|gpus?|setup)\b", r"\bwhich gpus?\b", r"\bcheaper\b", r"\bcheapest\b",
             r"\bself-?host"),
            (r"几张|多少张|几块|多少块|够不够|够吗|够用|需要几|要几|撑得住|扛得住|扛不扛|撑不撑|多少卡|几台|什么卡|哪种卡|哪款卡|最省钱|最便宜",),
            "volume", requires=("model", "load_volume"), optional=("gpu", "count", "precision", "input_tokens",
                                                                  "output_tokens", "output_share", "peak_factor"),
            priority=87, unless=("training",),
            missing={}),
    # what serving a request rate costs ("3,000 conversations/day ... GPU cost per day on H100s at $2.5/hr?"): the GPUs
    # that carry it, and their bill (a token volume a day has its own row, daily_volume)
    AskSpec("volume",
            (r"\bcost\b", r"\bper day\b", r"\bdaily\b.{0,12}\b(?:bill|spend)\b", r"\bhow much (?:would|will|does) (?:it|that)\b"),
            (r"成本|费用|多少钱",),
            "volume", requires=("model", "request_rate"), optional=("gpu", "count", "precision", "input_tokens",
                                                                    "output_tokens", "usd_per_gpu_hour", "peak_factor"),
            priority=87, unless=("training",)),
    # "KV cache 用 FP8 会不会掉点？", "does AWQ hurt quality?": the measured quality of that format, not a fit check
    AskSpec("format_quality",
            (r"\b(?:lose|loses|losing|hurt|hurts|degrade|degrades|drop|drops|cost|costs)\b.{0,30}\b(?:quality|accuracy)\b|"
             r"\b(?:quality|accuracy) (?:loss|drop|hit|impact|degradation)\b|\bhow (?:much )?worse\b",),
            (r"掉点|掉精度|精度(?:损失|下降|会降)|效果(?:会)?(?:变差|下降|差很多)|质量(?:损失|下降)|影响(?:效果|精度|质量)|损失多少精度",),
            "format_quality", requires=("format_said",), priority=88, unless=("training",)),
    AskSpec("batch_job",
            (r"\bbatch (?:job|inference|processing|run|generation)\b", r"\boffline (?:inference|processing|generation)\b",
             r"\b(?:process|generate|summari[sz]e|classify|label|translate|tag)\b.{0,40}\b(?:documents?|docs|prompts|items|"
             r"records|rows|files|articles|emails|tickets|output tokens)\b.{0,80}\b(?:how long|how many (?:hours|days)|cost)",
             r"\bhow long\b.{0,60}\b(?:documents?|docs|prompts|items|records|rows|files|articles|emails|tickets|output tokens)\b",
             r"\b(?:classify|classification|label(?:l?ing)?|tag(?:ging)?|summari[sz](?:e|ing|ation)|translat(?:e|ing|ion)|"
             r"extract(?:ion|ing)?|sentiment|generat(?:e|ing)|synthetic)\b.{0,160}\b(?:how long|how many (?:hours|days)|eta|time|cost|"
             r"finish|overnight|in time|deadline|budget|doable|feasible|afford|enough)\b"),
            (r"批量(?:推理|处理|生成|跑)|离线(?:推理|处理|生成)|(?:处理|跑完|生成).{0,20}(?:条|篇|个文档|输出\s*token).{0,80}"
             r"(?:多久|多长时间|几天|几个小时|多少小时|多少钱|花多少)",
             r"(?:分类|打标|标注|摘要|总结|翻译|抽取|情感|离线|合成数据|生成数据).{0,90}(?:多久|多长时间|几天|几个小时|多少小时|多少钱|花多少|"
             r"跑完|来得及|预算|够不够|够吗|可行)",
             r"(?:生成|合成|跑|推理|处理)\s*\d[\d.]*\s*(?:万|千|百万|亿)?\s*(?:条|道|篇|个|份|次).{0,90}(?:多久|多长时间|几天|几个小时|"
             r"多少小时|多少钱|花多少|跑完|来得及|完成)"),
            "batch_job", requires=("model", "job_size"), optional=("gpu", "count", "precision", "input_tokens",
                                                                   "output_tokens", "aggregate_tps", "usd_per_gpu_hour"),
            priority=86, unless=("training", "users_at_once"),  # "8 are generating at the same time": users, not a job
            missing={"job_size": ("How many requests (or output tokens) in all, and about how many tokens in and out each?",
                                  "一共多少个请求（或多少输出 token），每个大约输入、输出多少 token？")}),
    # a job described by its size ("2 million tickets, ~800 tokens in, 150 out each", "20 万条商品描述（输入 500 token，输出
    # 20 token）") is a batch job whatever else the question says ("how many gpus?", "8 小时够不够？")
    AskSpec("batch_job", (r"\S",), (), "batch_job", requires=("model", "sized_job"),
            optional=("gpu", "count", "precision", "input_tokens", "output_tokens", "aggregate_tps", "usd_per_gpu_hour"),
            priority=85, unless=("training", "load")),
    AskSpec("qps",
            (r"\bqps\b", r"\brps\b", r"\brequests?\s*(?:per|a|/)\s*(?:second|sec|s|minute|min)\b",
             r"\breqs?\s*(?:/|per|a)\s*(?:min|minute|s|sec|second)\b",
             r"\bper (?:1k|1,?000|thousand|k) (?:requests|reqs|calls|queries)\b",
             r"\bhow many requests\b.{0,40}\b(?:handle|serve|process|do|per)\b"),
            (r"qps|每秒(?:多少|几个)?请求|每秒能处理多少(?:个)?请求|每分钟(?:能)?(?:处理|跑|完成)?多少(?:条|个|次)?|每千次|每千个请求",),
            "qps", requires=("model", "hardware"), optional=("count", "precision", "input_tokens", "output_tokens"),
            priority=84, unless=("training",)),
    AskSpec("request_time",
            (r"\bhow (?:many seconds|long)\b.{0,60}\b(?:generate|produce|output|write|answer)\b.{0,30}\d[\d,]*[\s-]*tokens?",
             r"\b(?:generate|produce|output|thinks?|reasons?)\b.{0,14}\d[\d,]*\s*tokens?.{0,60}\bhow (?:many seconds|long)\b",
             r"\bhow long (?:am i|are we|will i|do i|would i) (?:be )?wait"),
            (r"生成\s*\d[\d,]*\s*个?\s*token.{0,20}(?:多少秒|几秒|多久|多长时间)|(?:多少秒|几秒|多久).{0,20}生成\s*\d+",),
            "request_time", requires=("model", "output_tokens"), optional=("gpu", "count", "precision", "input_tokens"),
            priority=83, unless=("training",)),
    AskSpec("mfu_measured",  # "8 A100s train 7B at 25k tokens/s, what's the MFU?"
            (r"\bmfu\b",), (r"mfu|算力利用率",), "mfu_measured", requires=("model", "gpu", "training_rate"), priority=91),
    AskSpec("power_budget",  # "a 15 kW rack: how many 8x H100 servers?", "那路电只有 3kW，能放几张 3090？"
            (r"\bhow many\b", r"\bfit\b", r"\bcan (?:i|we) (?:put|run|power|host)\b",
             r"\b(?:handle|enough|power|support|take|trip)\b"),
            (r"几张|多少张|几台|多少台|能放|能带|能插|放几|带几|带得动|带不动|扛得住|撑得住|够不够|够吗|跳闸",),
            "power_budget", requires=("gpu", "power_budget_kw"), priority=89, unless=("model",)),
    AskSpec("training_claim",  # "1.3M H100-hours for 8B on 15T tokens - does that add up?", "8 卡一天训完 15T？"
            (r"\badd up\b", r"\bplausible\b", r"\brealistic\b", r"\bpossible\b", r"\btrue\b", r"\bbelieve\b",
             r"\blegit\b", r"\bright\b\s*\?", r"\breasonable\b", r"\bmake sense\b", r"\bcredible\b"),
            (r"真的假的|靠谱吗|可能吗|可信吗|对吗|真的吗|吹牛|合理吗|合理不|说得通|站得住|对不对|可信不",),
            "training_claim", requires=("model", "tokens", "claimed_run"), priority=88),
    AskSpec("spec_check",
            (r"\d[\d,.]*\s*(?:tflops|pflops|tops|gb/s|tb/s)\b.{0,60}(?:\bright\b|correct|true|real\b|realistic|accurate|use that|"
             r"plan (?:\w+ )?with|believe|trust)",
             r"\b(?:quoted?|quoting|claims?|says?|told|heard|advertised|marketing)\b.{0,40}\d[\d,.]*\s*(?:tflops|pflops|tops|gb/s|tb/s)",
             r"\b(?:vendor|nvidia|amd|datasheet|spec sheet|marketing|they|it)\s+(?:says?|claims?|quotes?|lists?|advertises?)"
             r"\b.{0,60}\d[\d,.]*\s*(?:tflops|pflops|tops|gb/s|tb/s)"),
            (r"(?:标称|号称|宣传|官方|厂商|说).{0,30}\d[\d,.]*\s*(?:tflops|pflops|tops|gb/s|tb/s)",
             r"\d[\d,.]*\s*(?:tflops|pflops|tops|gb/s|tb/s).{0,30}(?:对吗|对不对|准吗|靠谱|能用|可信|真的)"),
            "spec_check", requires=("gpu", "claimed_spec"), priority=90,
            missing={"gpu": ("Which GPU is the figure for (e.g. H100 SXM or H100 PCIe)?", "这个数字是哪款 GPU 的（如 H100 SXM 还是 PCIe）？")}),
    AskSpec("zero_savings",
            (r"zero[- ]?[123]\b.{0,60}\b(?:vs\.?|versus|or|and|compared|over|than|instead of)\b.{0,20}zero[- ]?[123]",
             r"\b(?:save|saves|saving|savings|gain|reduce|cut)\b.{0,40}zero[- ]?[123]|zero[- ]?[123]\b.{0,40}\b(?:save|saves|saving|savings)\b",
             STAGE_CHOICE_EN),
            (r"zero[- ]?[123].{0,30}(?:和|与|比|对比|相比|还是|省).{0,30}zero[- ]?[123]", r"zero[- ]?[123].{0,20}(?:省|节省|减少)",
             STAGE_CHOICE_ZH),
            "zero_savings", requires=("model",), optional=("count", "gpu", "method", "context"), priority=80,
            missing={"model": ("Which model size (e.g. 13B)?", "模型多大（例如 13B）？")}),
    AskSpec("power",
            (r"\bpower (?:draw|consumption|usage|use|bill|cost|costs)\b", r"\belectricity\b", r"\benergy\b", r"\bkwh\b",
             r"\bwatts?\b", r"\bhow much power\b", r"\bpower\b.{0,20}\b(?:per month|monthly|a month|per 1m|per million)",
             r"\bpsus?\b|\bpower supply\b", r"\bco2\b|\bcarbon\b|\bemissions?\b", r"\bpower[- ]?limit|\bpower cap",
             # what a facility must supply and remove: "power/cooling capacity", "how many kW per rack"
             r"\bpower\b.{0,20}\b(?:capacity|budget|requirements?|provision\w*|feed|circuits?)\b", r"\bcooling\b",
             r"\bhow many kw\b|\bkw per (?:rack|node|server)\b|\bper[- ]rack power\b"),
            (r"电费", r"功耗", r"耗电", r"用电", r"多少电", r"能耗", r"千瓦时|度电", r"电源", r"碳排放|二氧化碳|co2",
             r"限功率|功率上限|功率限制|限制功率", r"散热|制冷|空调|供电|机房功率|机柜功率|多少千瓦|多少\s*kw"),
            "power", requires=("gpu",), optional=("count", "hours_per_day", "usd_per_kwh", "months", "model", "users"),
            priority=70, yields_to=("buy_rent",), unless=("power_excluded", "purchase_and_rent"),
            missing={"gpu": ("Which GPU, and how many?", "用哪款 GPU、几张？")}),
    AskSpec("capacity", CAPACITY_EN, CAPACITY_ZH,
            # no per-user speed said: sized at a stated default (answers_asks.DEFAULT_USER_TPS), never another ask
            "capacity", requires=("model", "gpu"), optional=("target_tps", "count", "context", "precision"), priority=60),
    AskSpec("training_reach",  # "is a 4090 enough for training?": what each method fits on it, and which model?
            (r"\benough\b", r"\bcan (?:i|we|it|you)\b.{0,30}\b(?:train|fine-?tune)", r"\bgood (?:enough )?for (?:training|fine-?tun)",
             r"\b(?:is|are)\b.{0,30}\b(?:ok|okay|fine|suitable|viable)\b.{0,20}\b(?:training|fine-?tun)"),
            (r"够(?:不够|吗|用)?", r"能不能.{0,8}(?:训练|微调|训)", r"(?:能|可以)(?:用来)?(?:训练|微调|训)", r"适合.{0,6}(?:训练|微调)"),
            "training_reach", requires=("gpu", "no_model", "training"), optional=("count", "context"), priority=58),
    AskSpec("capacity_sizes", CAPACITY_EN, CAPACITY_ZH,  # a card named, no model: the users per common size, and which?
            "capacity_by_size", requires=("gpu", "no_model"), optional=("target_tps", "count", "context"), priority=59),
    AskSpec("measured_cost",  # "what does 1M tokens cost if I get 1,500 tokens/s aggregate": rent / the person's rate
            (r"\bper (?:1m|million)\b|\bcost\b|\bprice\b", r"\b1m tokens\b"), (r"每百万|成本|多少钱|价格",),
            "measured_cost", requires=("aggregate_tps", "gpu", "model"), priority=58),
    AskSpec("speed_check",  # "my 3090 gets 20 tokens/s on Llama 3 8B Q4, is that normal?"
            (r"\bnormal\b|\bexpected\b|\bright\b|\bslow\b|\bok\b|\breasonable\b|\btoo low\b|\bshould\b|\bpossible\b|"
             r"\bplausible\b|\brealistic\b|\btrue\b|\blegit\b|\?",),
            (r"正常|合理|太慢|慢吗|对吗|应该|可能|靠谱|真的|可信",), "speed_check", requires=("model", "gpu", "measured_tps"),
            priority=59),
    AskSpec("framework_choice",
            (r"\bvllm\b.{0,30}\b(?:or|vs\.?|versus)\b.{0,20}(?:llama\.?cpp|ollama|lm ?studio)",
             r"(?:llama\.?cpp|ollama|lm ?studio).{0,30}\b(?:or|vs\.?|versus)\b.{0,20}\bvllm\b"),
            (r"vllm.{0,20}还是.{0,10}(?:llama\.?cpp|ollama)|(?:llama\.?cpp|ollama).{0,20}还是.{0,10}vllm",),
            "framework_choice", optional=("users", "model", "gpu"), priority=57),
    AskSpec("budget_to_buy",  # "$20k to build a local rig for 70B for 5 people": purchase prices, not rent
            (r"\bbuy\b|\bbuild\b|\brig\b|\blocal(?:ly)?\b|\bpurchase\b|\bon[- ]prem|\bhome ?lab\b|\bhobbyist\b",),
            (r"买|自建|本地|采购|自己搭",), "budget_to_buy", requires=("any_budget", "model"), priority=56,
            unless=("months", "training", "rent_words")),
    AskSpec("daily_volume",
            (r"\d\s*(?:[kmbt]|thousand|million|billion)?\s*(?:output |generated )?tokens? (?:a|per|each|every) day",
             r"tokens?\s*/\s*day", r"tokens? daily"),
            (r"(?:每天|一天|每日|日均).{0,12}(?:token|词元)",),
            "daily_volume", requires=("model", "tokens_per_day"), optional=("gpu", "target_tps", "usd_per_gpu_hour",
                                                                            "hours_per_day", "context"),
            priority=55, missing={"model": ("Which model?", "用哪个模型？")},
            unless=("cards_compared_per_token",)),  # "L4 还是 H100，哪个每百万 token 更便宜": the per-token comparison
    AskSpec("gpu_worth",  # "is an H100 worth it over an A100 for ...", "how much faster": a verdict and the ratio
            (r"\bworth\b", r"\bhow much (?:faster|quicker|better)\b", r"\b(?:\d+(?:\.\d+)?x|twice|double) the (?:price|cost)\b",
             r"\btwice as fast\b",
             r"\b\d+(?:\.\d+)?\s*(?:x|times) (?:faster|quicker)\b",
             r"\b(?:better|best) value\b|\bvalue for money\b|\bbang for\b|\bcost[- ]effective\b",
             r"\bhow (?:different|big (?:is )?the (?:difference|gap))\b|\b(?:much|big|real) (?:of a )?difference\b"),
            # (value words count here only for training: serving value is cost per token, asks.detect's "value")
            (r"值不值|值得|划算|快多少|快几倍|差多少|(?:差距|差别|区别|差异)(?:有)?(?:多大|大(?:吗|不大)|大不大)|差几倍|性价比|哪个(?:更)?值|"
             r"快\s*\d+(?:\.\d+)?\s*倍|\d+(?:\.\d+)?\s*倍|快\s*[一两]\s*倍|翻倍",),
            "gpu_vs_gpu", requires=("gpus>=2",), optional=("model", "workload", "method", "tokens", "count", "users"),
            priority=52, yields_to=("buy_rent",), unless=("formats>=2", "model_compare", "value_words", "serving_value")),
    AskSpec("serve_compare",  # "H200 or B200 to serve DeepSeek V3 to 200 users?": each GPU's cheapest setup for the load
            (r"\bor\b|\bvs\.?\b|\bversus\b|\bwhich\b|\bcompare\b",), (r"还是|哪个|对比|比较",),
            "serve_compare", requires=("gpus>=2", "model", "load", "no_count"), priority=51,
            yields_to=("buy_rent",), unless=("formats>=2", "model_compare", "training")),
    AskSpec("gpu_vs_gpu",  # two GPUs and no model: a stated representative workload
            (r"\bvs\.?\b|\bversus\b|\bor\b|\bover\b|\bcompared? (?:to|with)\b|\bbetter\b|\bfaster\b|\bslower\b",),
            (r"哪个(?:更)?(?:好|快|值)|还是|对比|比较|相比|更快|比.{1,16}(?:还|更)?(?:快|慢|强|好)",),
            "gpu_vs_gpu", requires=("gpus>=2", "no_model"), optional=("workload", "method", "count", "users"),
            priority=50, yields_to=("buy_rent",), unless=("formats>=2", "spec_words", "cost_ask")),
    AskSpec("format_choice",
            (r"\bwhich\b", r"\bbest\b", r"\bshould i\b", r"\bor\b", r"\bvs\.?\b"),
            (r"哪个|哪种|选|还是|推荐",),
            "format_choice", requires=("formats>=2", "hardware", "no_model"), optional=("users", "framework"),
            priority=45),
)


@cache
def _compiled(index: int) -> tuple[re.Pattern, ...]:
    """The triggers of the table's row `index` (rows may share an ask's name with other triggers and tests), each
    compiled alone: a pattern that starts with a word is found by a fast scan for that word, where one alternation of
    all of them is tried at every position (a 100k-character message took a second on the decline row alone)."""
    spec = TABLE[index]
    return tuple(re.compile(p, re.I) for p in (*spec.en, *spec.zh))


@dataclass
class Route:
    spec: AskSpec
    missing: list[str]  # required slots not known (the answer asks for the first)


def _has(test: str, s: Slots, now: Slots, question: str) -> bool:
    if test == "gpus>=2":
        return len(set(now.gpus)) >= 2
    if test == "formats>=2":
        return len(now.formats) >= 2
    if test == "hardware":
        return bool(s.gpu or s.vram_gib)
    if test == "no_model":
        return not s.model
    if test == "model_compare":
        return len(now.models) >= 2
    if test == "serving_value":  # "which is better value" while serving: cost per token, not a speed ratio
        training = s.workload in ("training", "pretrain") or bool(s.method)
        return not training and bool(re.search(r"\b(?:better|best) value\b|\bvalue for money\b|\bbang for\b|"
                                               r"\bcost[- ]effective\b", question, re.I))
    if test == "any_budget":  # in dollars or another currency ("预算 3 万人民币")
        return bool(s.budget_usd or s.budget_other)
    if test == "rent_words":
        from .answers_money import RENT_WORDS

        return bool(RENT_WORDS.search(question))
    if test == "purchase_and_rent":  # a price to buy and a price to rent, both said: whether buying pays off
        return bool(now.purchase_usd_per_gpu and now.usd_per_gpu_hour)
    if test == "gpu_named":
        return bool(now.gpus)
    if test == "power_excluded":  # "电费先不算", "ignore electricity": power is what they do not want
        return bool(re.search(r"(?:电费|电价)\s*(?:先|暂时|暂且)?\s*(?:不算|不计|不考虑|不用管)|不(?:算|计|考虑)电费|"
                              r"\b(?:ignore|ignoring|excluding|exclude|without|leave out|not counting)\s+(?:the\s+)?"
                              r"(?:power|electricity)", question, re.I))
    if test == "sized_job":  # counted things with their tokens each, said in this turn
        each = {now.input_tokens, now.output_tokens} - {None}
        if now.output_total and now.input_total:  # "1 亿 token 输入、2000 万 token 输出": the job in totals
            return True
        return bool(now.items and each and now.items >= 100 and now.items not in each)  # "64k-token prompt" is one
    if test == "llm_words":  # a game question that is about models after all ("fps in cyberpunk, and can it run llama?")
        return bool(re.search(r"\bllms?\b|\bmodels?\b|\binference\b|\btokens?\b|\btrain\w*|fine-?tun\w*|\bai\b|大模型|模型|推理|"
                              r"训练|微调", question, re.I))
    if test == "no_domain":  # nothing about GPUs, models or workloads at all
        from .asks import DOMAIN

        # a device alone is not the domain: "iPhone 15 电池健康度 85%，要不要换电池" names a phone and asks nothing of a model
        device = bool(now.devices) and _has("llm_words", s, now, question)
        return not (DOMAIN.search(question) or s.model or s.gpu or s.vram_gib or device or now.unknown_gpus
                    or now.local_path or now.problems or SIZING_NUMBER.search(question))
    if test == "load":
        return (s.users or 0) > 1 or bool(s.tokens_per_day)
    if test == "training_on_gpu":
        return bool(s.gpu) and not s.model and (s.workload in ("training", "pretrain") or bool(s.method))
    if test == "users_at_once":
        return (now.users or 0) > 1
    if test == "no_count":
        return not now.count
    if test == "training":
        return s.workload in ("training", "pretrain") or bool(s.method)
    if test == "value_words":  # "tokens per dollar", "cheaper per token": the serving money answer compares that
        from .answers_money import VALUE

        training = s.workload in ("training", "pretrain") or bool(s.method)
        return bool(VALUE.search(question)) and not training  # training value: cost of the run, compared here
    if test == "speed_not_ttft":  # a speed asked, and the first token's wait not named as the figure wanted
        from .asks import PATTERNS

        return bool(re.search(PATTERNS["speed"], question.lower())) and not re.search(
            r"\bttft\b|time to first token|首字|首 ?token|首包|first[- ]token latency", question, re.I)
    if test == "cost_ask":  # "which is cheaper", "多少钱": a price question (a rent said in passing is not one)
        return bool(re.search(r"cheaper|cheapest|\bcost(?:s)? (?:less|more)\b|how much (?:does|would|will|is)|\bprice\b.{0,20}\?|"
                              r"便宜|省钱|多少钱|贵多少|费用", question, re.I))
    if test == "cards_compared_per_token":  # two cards and a per-token price asked: asks.detect's "value"
        return len(set(now.gpus)) >= 2 and _has("value_words", s, now, question)
    if test == "spec_words":  # "compare the specs / bandwidth of A100 and H100": the spec sheet answer
        from .asks import SPEC_WORDS

        return bool(SPEC_WORDS.search(question))
    if test == "subject":  # anything to price: a model, a GPU, a memory size, a token count
        return bool(s.model or s.gpu or s.vram_gib or s.tokens or s.tokens_per_day or now.devices or now.unknown_gpus)
    if test == "concurrency":  # "how many people at once", "最多多少并发": users, not the longest context
        return bool(CONCURRENCY.search(question))
    if test == "load_volume":  # a request rate, or a daily token volume split into input and output, to carry
        # (a daily volume alone is the output to generate: the daily_volume row, which also prices it)
        return bool(s.request_rate or (s.tokens_per_day and (s.output_share or s.input_tokens)))
    if test == "training_rate":  # a measured training throughput to turn into an MFU
        from .answers_asks import TRAIN_RATE

        return bool(TRAIN_RATE.search(question)) and not s.mfu
    if test == "claimed_run":  # a claimed training cost: GPU-hours, or a duration on stated GPUs
        from .answers_asks import CLAIMED_DAYS

        return bool(s.gpu_hours or (CLAIMED_DAYS.search(question) and (s.gpu or s.count)))
    if test == "measured_tps":  # a speed to check is said in this turn, not one from a turn or part before
        return bool(now.measured_tps)
    if test == "format_said":  # a weight or KV-cache format named ("KV cache 用 FP8", "AWQ")
        return bool(now.kv_dtype or now.precision or now.formats)
    if test == "job_size":  # a batch job's size: requests, or output tokens in all
        return bool(s.items or s.output_total)
    if test == "claimed_spec":  # a device described by its figures ('Arc A770 16GB, 560 GB/s') claims nothing
        return claimed_spec(question) is not None and not (s.gpu or "").startswith(DESCRIBED)
    return getattr(s, test, None) not in (None, [], False)


# a number that could size something: with a unit of memory, compute, money, time, people or GPUs ("3-day itinerary"
# and "a 1990s car" are not; "24", "80GB", "$2/h", "3 天", "两张" are)
SIZING_NUMBER = re.compile(r"[$¥€£]\s*\d|\d[\d,.]*\s*(?:[kmbt]\b|gb|gib|tb|mb|x\b|w\b|kw|%|tok|tokens?|gpus?|cards?|"
                           r"nodes?|hours?|hrs?|h\b|days?\b(?!-)|weeks?|months?|users?|people|k\b|亿|万|元|块|张|卡|台|小时|天|人|"
                           r"个|g\b)|\b\d+\s*[?？.]?\s*$", re.I)
CONCURRENCY = re.compile(r"并发|多少(?:个)?(?:人|用户)|几个人|\bhow many (?:concurrent |simultaneous )?(?:\d+k )?(?:users|people|ppl|folks|"
                         r"persons|requests|chats|players|members)\b|\bhow many\b.{0,30}\b(?:at once|at the same time|simultaneously|"
                         r"concurrently)\b|"
                         r"\bconcurrent (?:users|requests)\b", re.I)
CLAIMED = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(tflops|pflops|tops|gb/s|tb/s)\b", re.I)


def claimed_spec(question: str) -> tuple[float, str] | None:
    """A figure being checked: (value in TFLOPS or GB/s, 'tflops' | 'gb/s')."""
    m = CLAIMED.search(question)
    if not m:
        return None
    v, unit = float(m.group(1).replace(",", "")), m.group(2).lower()
    if unit == "pflops":
        return v * 1000, "tflops"
    if unit == "tb/s":
        return v * 1000, "gb/s"
    return v, "tflops" if unit in ("tflops", "tops") else "gb/s"


def again(name: str, question: str, now: Slots, merged: Slots) -> Route | None:
    """The ask of the turn before, for a follow-up that names no new ask ("那用 fp8 呢？" after a max-context
    question), when its required facts are known now."""
    spec = next((a for a in TABLE if a.name == name and a.carries), None)
    if spec is None:
        return None
    # a follow-up inherits what the turn before named ("and with 2 of them each?" keeps its two GPUs)
    missing = [t for t in spec.requires if not _has(t, merged, merged, question)]
    return Route(spec, []) if not missing else None


def route(question: str, now: Slots, merged: Slots) -> Route | None:
    """The table's ask for this question, or None (the legacy detector answers)."""
    from .asks import PATTERNS

    q = question.lower()
    both_prices = _has("purchase_and_rent", merged, now, question)  # buy or rent: the legacy buy_rent answer
    for index, spec in sorted(enumerate(TABLE), key=lambda x: -x[1].priority):
        if not any(p.search(q) for p in _compiled(index)):
            continue
        if both_prices and spec.name not in ("decline", "social", "off_topic", "outside"):
            continue
        if any(re.search(PATTERNS[a], q) for a in spec.yields_to if a in PATTERNS):
            continue
        if any(_has(t, merged, now, question) for t in spec.unless):
            continue
        missing = [t for t in spec.requires if not _has(t, merged, now, question)]
        if not missing:
            if spec.answer == "clarify_only":
                continue  # a row that exists only to ask for a missing fact
            return Route(spec, [])
        if any(t in spec.missing for t in missing) and all(t in spec.missing for t in missing):
            return Route(spec, missing)
    return None
