/* util_test.c - numbers as Redis 7.0.15 parses and prints them. Every expected value below was
 * captured from redis-server 7.0.15 (Debian's /usr/bin/redis-server) on loopback:
 *   string2ll  <- SET k <s>; INCRBY k 0   and INCRBY k <s>   ("value is not an integer")
 *   string2d   <- ZADD z <s> m            ("value is not a valid float")
 *   %.17g      <- ZADD z <s> m; ZSCORE z m (addReplyDouble, skiplist encoding for -0.0)
 *   string2ld + ld2string(LD_STR_HUMAN) <- SET k <a>; INCRBYFLOAT k <b>
 *   double2ll  <- ZADD z <s> m; DUMP z with rdbcompression no (listpack int or "5e+18" text) */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "util.h"

#define S(lit) lit, sizeof(lit) - 1

static int ll_ok(const char *s, size_t n, long long want) {
  long long v = 12345;
  return string2ll(s, n, &v) == 1 && v == want;
}
static int ll_bad(const char *s, size_t n) {
  long long v = 12345;
  return string2ll(s, n, &v) == 0 && v == 12345;
}

static void test_string2ll(void) {
  CHECK(ll_ok(S("0"), 0));
  CHECK(ll_ok(S("1"), 1));
  CHECK(ll_ok(S("-1"), -1));
  CHECK(ll_ok(S("9223372036854775807"), LLONG_MAX));
  CHECK(ll_ok(S("-9223372036854775808"), LLONG_MIN));
  CHECK(ll_ok(S("1234567890"), 1234567890));
  /* INCRBY k 0 over SET k <s>: "ERR value is not an integer or out of range" for each. */
  const char *bad[] = { "00",
                        "-0",
                        "+1",
                        " 1",
                        "1 ",
                        "9223372036854775808",
                        "01",
                        "-",
                        "",
                        "12345678901234567890",
                        "-9223372036854775809",
                        "1a",
                        "0x1",
                        "1.0",
                        "99999999999999999999",
                        "18446744073709551616",
                        "-00" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) CHECK(ll_bad(bad[i], strlen(bad[i])));
  CHECK(ll_bad(S("1\0")));
  CHECK(ll_bad(S("000000000000000000001"))); /* 21 bytes */
  /* Length-delimited: only slen bytes are read. */
  CHECK(ll_ok("123abc", 3, 123));
  long l;
  CHECK(string2l(S("-42"), &l) && l == -42);
  CHECK(!string2l(S("+42"), &l));
}

static void test_string2ull(void) {
  unsigned long long u = 7;
  CHECK(string2ull(S("18446744073709551615"), &u) && u == ULLONG_MAX);
  CHECK(!string2ull(S("18446744073709551616"), &u));
  CHECK(string2ull(S("0"), &u) && u == 0);
  CHECK(!string2ull(S("-1"), &u));          /* string2ll succeeds, negative: refused */
  CHECK(string2ull(S(" 5"), &u) && u == 5); /* strtoull's leniency */
  CHECK(string2ull(S("+5"), &u) && u == 5);
  CHECK(string2ull(S("007"), &u) && u == 7);
  CHECK(string2ull(S("-05"), &u) && u == ULLONG_MAX - 4); /* strtoull negates */
  CHECK(!string2ull(S(""), &u) && !string2ull(S(" "), &u) && !string2ull(S("-"), &u));
  CHECK(!string2ull(S("5 "), &u) && !string2ull(S("5x"), &u));
  CHECK(string2ull(S("9\0garbage"), &u) && u == 9); /* a C string ends at NUL */
}

static void test_ll2string(void) {
  char buf[LONG_STR_SIZE], ref[32];
  long long vals[] = { 0,
                       1,
                       -1,
                       9,
                       10,
                       99,
                       100,
                       -100,
                       12345,
                       LLONG_MAX,
                       LLONG_MIN,
                       LLONG_MIN + 1,
                       999999999999999999ll,
                       1000000000000000000ll };
  int ok = 1;
  for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
    int n = ll2string(buf, sizeof buf, vals[i]);
    snprintf(ref, sizeof ref, "%lld", vals[i]);
    ok &= n == (int)strlen(ref) && strcmp(buf, ref) == 0;
  }
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 200000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    long long v = (long long)(x >> (x & 63));
    if (i & 1) v = -v;
    int n = ll2string(buf, sizeof buf, v);
    snprintf(ref, sizeof ref, "%lld", v);
    ok &= n == (int)strlen(ref) && strcmp(buf, ref) == 0;
    n = ull2string(buf, sizeof buf, x);
    snprintf(ref, sizeof ref, "%llu", (unsigned long long)x);
    ok &= n == (int)strlen(ref) && strcmp(buf, ref) == 0 && digits10(x) == strlen(ref);
    long long back;
    int parsed = string2ll(ref, strlen(ref), &back); /* ref is x's text: in range or refused */
    ok &= x <= LLONG_MAX ? parsed && back == (long long)x : !parsed;
  }
  CHECK(ok);
  CHECK(ull2string(buf, sizeof buf, ULLONG_MAX) == 20 && strcmp(buf, "18446744073709551615") == 0);
  CHECK(ll2string(buf, 3, 123) == 0 && buf[0] == '\0'); /* no room */
  CHECK(ll2string(buf, 4, -123) == 0 && ll2string(buf, 5, -123) == 4);
  CHECK(digits10(0) == 1 && digits10(9) == 1 && digits10(10) == 2 && digits10(UINT64_MAX) == 20);
}

/* ZADD z <in> m; ZSCORE z m -> out (addReplyDouble's %.17g), or rejected (out NULL). */
static const struct {
  const char *in, *out;
} zadd[] = { { "0.1", "0.10000000000000001" },
             { "1", "1" },
             { "0", "0" },
             { "1e300", "1.0000000000000001e+300" },
             { "3.0e-5", "3.0000000000000001e-05" },
             { "inf", "inf" },
             { "-inf", "-inf" },
             { "+inf", "inf" },
             { "infinity", "inf" },
             { "-Infinity", "-inf" },
             { "0x10", "16" },
             { "0X1p-2", "0.25" },
             { "1e-310", "9.9999999999999694e-311" },
             { "1e-400", NULL },
             { "1e400", NULL },
             { "nan", NULL },
             { "NaN", NULL },
             { " 1", NULL },
             { "1 ", NULL },
             { "+1", "1" },
             { ".5", "0.5" },
             { "5.", "5" },
             { "1e", NULL },
             { "-", NULL },
             { "", NULL },
             { "1.5e+3", "1500" },
             { "123456789012345678", "1.2345678901234568e+17" },
             { "4503599627370495", "4503599627370495" },
             { "4503599627370496", "4503599627370496" },
             { "-4503599627370496", "-4503599627370496" },
             { "1.7976931348623157e308", "1.7976931348623157e+308" },
             { "2.2250738585072014e-308", "2.2250738585072014e-308" },
             { "4.9e-324", "4.9406564584124654e-324" },
             { "0.3", "0.29999999999999999" },
             { "1/3", NULL },
             { "1e1x", NULL },
             { "100", "100" },
             { "-1.5", "-1.5" },
             { "12345678901234567890", "1.2345678901234567e+19" },
             { "1e17", "1e+17" },
             { "1e16", "10000000000000000" },
             { "1e15", "1000000000000000" },
             { "-1e-320", "-9.9998886718268301e-321" },
             { "4e18", "4e+18" },
             { "5e18", "5e+18" },
             { "4611686018427387904", "4.6116860184273879e+18" } };

static void test_string2d(void) {
  for (size_t i = 0; i < sizeof zadd / sizeof *zadd; i++) {
    double d = 42;
    int ok = string2d(zadd[i].in, strlen(zadd[i].in), &d);
    if (zadd[i].out == NULL) {
      CHECK(!ok && d == 42);
      continue;
    }
    char buf[MAX_D2STRING_CHARS];
    if (isinf(d))
      snprintf(buf, sizeof buf, "%s", d > 0 ? "inf" : "-inf");
    else
      snprintf(buf, sizeof buf, "%.17g", d);
    CHECK(ok && strcmp(buf, zadd[i].out) == 0);
    if (!ok || strcmp(buf, zadd[i].out) != 0) fprintf(stderr, "  %s -> %s\n", zadd[i].in, buf);
  }
  double d;
  CHECK(!string2d(S("1\0"), &d)); /* ZADD z "1\x00" m: not a valid float */
  CHECK(string2d(S("-0.0"), &d) && d == 0 && signbit(d));
  CHECK(string2d("2.5xyz", 3, &d) && d == 2.5);
  /* Long inputs: valid only if strtod takes them whole. */
  char big[600];
  memset(big, '0', sizeof big);
  big[0] = '1', big[1] = '.';
  CHECK(string2d(big, sizeof big, &d) && d == 1);
  big[300] = ' ';
  CHECK(!string2d(big, sizeof big, &d));
}

static const struct {
  const char *a, *b, *out;
} incrbyfloat[] = {
  { "0", "0.1", "0.1" },
  { "0", "1e20", "100000000000000000000" },
  { "0", "3.0e-5", "0.00003" },
  { "0", "1e300",
    "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083"
    "7504971903503725086142748359035925561846729839130962605207486462873271356418436532940842551076"
    "0601678972665293237003055138294762099454029477278188962060617926761162709741065056718738610569"
    "0089424915104006144" },
  { "0", "1", "1" },
  { "0", "-0.0", "0" },
  { "-0", "-0", "0" },
  { "0", "1e-20", "0" },
  { "0", "-1e-20", "0" },
  { "10.5", "0.1", "10.6" },
  { "0", "5.0e3", "5000" },
  { "0", "0x10", "16" },
  { "0", "+1.5", "1.5" },
  { "0.1", "0.2", "0.3" },
  { "0", "1.7976931348623157e308",
    "1797693134862315699959210467741044340483864469443291784853144207651766285231243963547018686083"
    "8708556442879341942552068930870836345113605535789727802647761707349897768628839483561816329404"
    "5594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159"
    "985926376802466863339536384" },
  { "1.7976931348623157e308", "1.7976931348623157e308",
    "3595386269724631399918420935482088680967728938886583569706288415303532570462487927094037372167"
    "7417112885758683885104137861741672690227211071579455605295523414699795537257678967123632658809"
    "1188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319"
    "971852753604933726679072768" },
  { "0", "1e4000",
    "9999999999999999999965463873099623784932492583506957631301508333043261943306342355481821641865"
    "5092798627644520731236735402176022173675923441721258819505279999614285824343547545018709582142"
    "9074130114301467044502626084944345627533374234082255914622044077450269914711681830777556677357"
    "1206492036312963397368761826079538161612036724681027980418945071857333802019573184376407974737"
    "7421005829634395813024747466058280710681622660953502491093609819316959421232538723623557207178"
    "6785993199711696782353517534488641743594882749266842422451493159696512492842655731300727200365"
    "4181606637829648718026332623445964659599411688673612401217012598120557489288735334437118479345"
    "5908270131604266343340361459716112940944992679300976451583169242420844440050462757893168542646"
    "9896253751960480464820255883181332019908227481067854696666210627249700699618652920204661219792"
    "7965030663016053612055682060855170989021069998476304668166868798327849305544516958630545705436"
    "2678681239630904198407207862950932979232331669893071854934680059635135560522739265248150645358"
    "6303495117711566598560617166670824275619896230386187135471918138196137967176193898470450507392"
    "1618907144272449828915839083978037993280452559586965504199368256134650271468844247174823646278"
    "6635674371327393065169433112851445688958178115212702343350232028099234393135371686857923142727"
    "7166784731040245945314918349069276953832951624324292710544717597495656594985925988025726662343"
    "2431660986751258600816348320837727852352371818896648343700947852991058969433541705132345122524"
    "0484346883251383229330851837216556721378653963584710350672141673606171195276052723547714474375"
    "6093290878935518104108197897176234655756823076757402730229346054496875208176865682487999437635"
    "5163920300385095919688678670907760987187661793434717175760350651419537956103182910121364884637"
    "2621022632042953292796203605362037613151945540531889342184093162464107386562038521389924924444"
    "0402634221049961914087685592127798877867694789215280685495078506801472712553673970265696261196"
    "4401436187934885803420611286745134838665415365691409110464038694668899344879845822942763373039"
    "7196886028104444399280371354688982745653536300594462561699786890655934208484560382743665672252"
    "9954935268365077016055190811601172388031517638139082174408719115901484046640842203646326418292"
    "8434780181167746977398743042449413105215463884123801578726746967721334558724520471115335862516"
    "4352832823938321405002597623707959071954181222603083310060302101049625116894589128694805210254"
    "3013404738222814135055439439021018832686353875308319032957814961739273532534560729380401978961"
    "3107204439729055324106921126322671020066709317012835936925695594694910121291991133040352454029"
    "4158954213306279245760682004708925367924351430791373827744403461960025939996836693531765536800"
    "5431792164842358163978166423171645953951045675326533799825666452920085293904946885541928909778"
    "5303294946449752258791882954794558753338748235175173730073178466259683916437044889075282877916"
    "8696279912897921835868496792911890741364055269886321047376132059591504736315996165925648429524"
    "3985803317970236819975330669836220140150647940769923639652151965466159713230973738197390314188"
    "9548031713181771968965861360007055846791276712592611475612847974647898601585527666227738929689"
    "1282126196811444099055889749439809279484319500982683464596492303056899785420299327924364864528"
    "9673592500419478258751647345762435263948009010950729573502046045672563814595702231739778420903"
    "3998721254961060890916634094880983552750508881669349308347772834504388303087113341878104141612"
    "2157883302068359811838955016655020200206405892108489024160031563616268731608362255663477502695"
    "1259974678686017132680683102908765366034116470880880245402288169904939213957401675614619264441"
    "5820839590797897050551922334947406004738872332042844089285302334417905996381190171610168845316"
    "4355334612359020860679359350050630014505221745817724430965383891999891287316793265453482789577"
    "8806176201880701760251518685320558987590991070807933360504701011573847810547675055015002062986"
    "4357825543441956972190272729951206648276349901340672" },
  { "0", "1e-4950", "0" },
  { "0", "123456789.123456789", "123456789.12345678899873747" },
  { "0", "-123.456", "-123.456" },
  { "0", "3", "3" },
  { "0", "0.30000000000000004", "0.30000000000000004" },
  { "0", "2.5e-17", "0.00000000000000002" },
  { "0", "5e-18", "0" },
  { "0", "9.9999999999999999e-18", "0.00000000000000001" },
  { "3", "-3", "0" },
  { "1e17", "1", "100000000000000001" },
  { "0", "-1e20", "-100000000000000000000" },
  { "0", "0.5", "0.5" },
  { "-2.5", "1", "-1.5" },

};

static void test_incrbyfloat(void) {
  char buf[MAX_LONG_DOUBLE_CHARS];
  for (size_t i = 0; i < sizeof incrbyfloat / sizeof *incrbyfloat; i++) {
    long double a, b;
    int ok = string2ld(incrbyfloat[i].a, strlen(incrbyfloat[i].a), &a) &&
             string2ld(incrbyfloat[i].b, strlen(incrbyfloat[i].b), &b);
    int n = ok ? ld2string(buf, sizeof buf, a + b, LD_STR_HUMAN) : 0;
    int same =
        n > 0 && (size_t)n == strlen(incrbyfloat[i].out) && strcmp(buf, incrbyfloat[i].out) == 0;
    CHECK(same);
    if (!same) fprintf(stderr, "  %s + %s -> %.60s\n", incrbyfloat[i].a, incrbyfloat[i].b, buf);
  }
  /* INCRBYFLOAT k <b> refused with "ERR value is not a valid float". */
  const char *bad[] = { "1e5000", "nan", "1e-5000", " 1", "1 ", "abc", "", "1e" };
  long double v;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    CHECK(!string2ld(bad[i], strlen(bad[i]), &v));
  CHECK(string2ld(S("inf"), &v) && isinf(v)); /* then "increment would produce NaN or Infinity" */
  /* "1." and zeros: 5102 bytes accepted, 5202 refused (MAX_LONG_DOUBLE_CHARS). */
  static char z[5202];
  memset(z, '0', sizeof z);
  z[0] = '1', z[1] = '.';
  CHECK(string2ld(z, 5102, &v) && v == 1);
  CHECK(!string2ld(z, 5202, &v));
  CHECK(!string2ld(z, MAX_LONG_DOUBLE_CHARS, &v) && string2ld(z, MAX_LONG_DOUBLE_CHARS - 1, &v));
  CHECK(ld2string(buf, sizeof buf, (long double)INFINITY, LD_STR_HUMAN) == 3 &&
        strcmp(buf, "inf") == 0);
  CHECK(ld2string(buf, sizeof buf, -(long double)INFINITY, LD_STR_AUTO) == 4 &&
        strcmp(buf, "-inf") == 0);
  CHECK(ld2string(buf, sizeof buf, 0.1L, LD_STR_AUTO) > 0 && strcmp(buf, "0.1") == 0);
  CHECK(ld2string(buf, sizeof buf, 1.5L, LD_STR_HEX) > 0 && strcmp(buf, "0xcp-3") == 0);
  CHECK(ld2string(buf, 4, 12345.0L, LD_STR_HUMAN) == 0 && buf[0] == '\0');
}

static void test_d2string(void) {
  char buf[MAX_D2STRING_CHARS];
  const struct {
    double v;
    const char *out;
  } cases[] = { { 0.1, "0.10000000000000001" },
                { 3, "3" },
                { -0.0, "-0" },
                { 0.0, "0" },
                { 1e300, "1.0000000000000001e+300" },
                { 4503599627370495.5, "4503599627370495.5" },
                { 1.5, "1.5" },
                { INFINITY, "inf" },
                { -INFINITY, "-inf" },
                { NAN, "nan" },
                { 1e-5, "1.0000000000000001e-05" },
                { 4e18, "4000000000000000000" },
                { 5e18, "5e+18" },
                { 123456789012345678.0, "123456789012345680" },
                { -4503599627370495.0, "-4503599627370495" },
                { 4611686018427387904.0, "4611686018427387904" },
                { -4611686018427387904.0, "-4611686018427387904" },
                { 9223372036854775807.0, "9.2233720368547758e+18" } };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    int n = d2string(buf, sizeof buf, cases[i].v);
    int same = n == (int)strlen(cases[i].out) && strcmp(buf, cases[i].out) == 0;
    CHECK(same);
    if (!same) fprintf(stderr, "  d2string -> %s (want %s)\n", buf, cases[i].out);
  }
  long long ll;
  CHECK(double2ll(4e18, &ll) && ll == 4000000000000000000ll);
  CHECK(!double2ll(5e18, &ll) && !double2ll(0.5, &ll) && !double2ll(NAN, &ll));
  CHECK(d2string(buf, 3, 0.1) == 0 && buf[0] == '\0');
}

int main(void) {
  test_string2ll();
  test_string2ull();
  test_ll2string();
  test_string2d();
  test_incrbyfloat();
  test_d2string();
  return check_done("util_test");
}
