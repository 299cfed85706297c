package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Ftfy#fixText} against ftfy's own expected results: the cases of ftfy's test suite
 * ({@code tests/test-cases/in-the-wild.json}, {@code negative.json}, {@code synthetic.json} of
 * github.com/rspeer/python-ftfy; cases newer than 6.3.1 left out), each also with an extra layer
 * of UTF-8/Latin-1 mojibake on top, which ftfy must undo as well. Plus the documented examples
 * of the single fixes.
 */
class FtfyTest {
    private static final String[][] CASES = {
            {"He's Justin\u00e2\u009d\u00a4",
             "He's Justin\u2764"},
            {"Le Schtroumpf Docteur conseille g\u221a\u00a2teaux et baies schtroumpfantes pour un r\u221a\u00a9gime \u221a\u00a9quilibr\u221a\u00a9.",
             "Le Schtroumpf Docteur conseille g\u00e2teaux et baies schtroumpfantes pour un r\u00e9gime \u00e9quilibr\u00e9."},
            {"\u00e2\u0153\u201d No problems",
             "\u2714 No problems"},
            {"\u0420\u0491\u0420\u0455\u0421\u0402\u0420\u0455\u0420\u0456\u0420\u00b5 \u0420\u0098\u0420\u00b7-\u0420\u0457\u0420\u0455\u0420\u0491 #\u0421\u201e\u0421\u0453\u0421\u201a\u0420\u00b1\u0420\u0455\u0420\u00bb",
             "\u0434\u043e\u0440\u043e\u0433\u0435 \u0418\u0437-\u043f\u043e\u0434 #\u0444\u0443\u0442\u0431\u043e\u043b"},
            {"\u0084Handwerk bringt dich \u00fcberall hin\u0093: Von der YOU bis nach Monaco",
             "\"Handwerk bringt dich \u00fcberall hin\": Von der YOU bis nach Monaco"},
            {"Some comments may be republished on the website or in the newspaper \u00ef\u00bf\u00bd email addresses will not be published.",
             "Some comments may be republished on the website or in the newspaper \ufffd email addresses will not be published."},
            {"Hi guys \u00ed\u00a0\u00bd\u00ed\u00b8\u008d",
             "Hi guys \ud83d\ude0d"},
            {"hihi RT username: \u00e2\u0098\u00ba\u00ed\u00a0\u00bd\u00ed\u00b8\u0098",
             "hihi RT username: \u263a\ud83d\ude18"},
            {"Beta Haber: H\u00c4\u00b1rs\u00c4\u00b1z\u00c4\u00b1 B\u00c3\u00bcy\u00c3\u00bc Korkuttu",
             "Beta Haber: H\u0131rs\u0131z\u0131 B\u00fcy\u00fc Korkuttu"},
            {"\u00c4\u00b0stanbul",
             "\u0130stanbul"},
            {"RUF MICH ZUR\u00c3\u0153CK",
             "RUF MICH ZUR\u00dcCK"},
            {"R\u00c4\u00abga",
             "R\u012bga"},
            {"\u0420 \u0421\u2014\u0420\u040e\u0420\u201a\u0420 \u0421\u2018\u0420\u040e\u0420\u040f\u0420\u040e\u0432\u0402\u0459\u0420 \u0420\u2026\u0420 \u0421\u2022\u0420\u040e\u0420\u0453\u0420\u040e\u0432\u0402\u0459\u0420 \u0421\u2018. \u0420\u0406\u0421\u045a\u0412\u00a4",
             "\u043f\u0440\u0438\u044f\u0442\u043d\u043e\u0441\u0442\u0438. \u2764"},
            {"Kayanya laptopku error deh, soalnya tiap mau ngetik deket-deket kamu font yg keluar selalu Times New \u00c3\u00a2\u00e2\u201a\u00ac\u00c5\u201c Romance\u00c3\u00a2\u00e2\u201a\u00ac\u00c2\u009d.",
             "Kayanya laptopku error deh, soalnya tiap mau ngetik deket-deket kamu font yg keluar selalu Times New \" Romance\"."},
            {"Iggy Pop (n\u00c3\u0192\u00c2\u00a9 Jim Osterberg)",
             "Iggy Pop (n\u00e9 Jim Osterberg)"},
            {"Direzione Pd, ok \u00e2\u0080\u009csenza modifiche\u0094 all'Italicum.",
             "Direzione Pd, ok \"senza modifiche\" all'Italicum."},
            {"selamat berpuasa sob (\u00c3\u00a0\u00c2\u00b8\u00e2\u20ac\u00a1'\u00c3\u0152\u00e2\u201a\u00ac\u00c3\u00a2\u00c5\u2019\u00c2\u00a3'\u00c3\u0152\u00c2\u0081)\u00c3\u00a0\u00c2\u00b8\u00e2\u20ac\u00a1",
             "selamat berpuasa sob (\u0e07'\u0300\u2323'\u0301)\u0e07"},
            {"The Mona Lisa doesn\u00c3\u0192\u00c2\u00a2\u00c3\u00a2\u00e2\u20ac\u0161\u00c2\u00ac\u00c3\u00a2\u00e2\u20ac\u017e\u00c2\u00a2t have eyebrows.",
             "The Mona Lisa doesn't have eyebrows."},
            {"#\u2568\u2510\u2564\u00c7\u2568\u2591\u2568\u2593\u2568\u2555\u2568\u2557\u2564\u00ee\u2568\u255c\u2568\u255b\u2568\u2561\u2568\u2510\u2568\u2555\u2564\u00e9\u2568\u2591\u2568\u255c\u2568\u2555\u2568\u2561",
             "#\u043f\u0440\u0430\u0432\u0438\u043b\u044c\u043d\u043e\u0435\u043f\u0438\u0442\u0430\u043d\u0438\u0435"},
            {"H\u00c3\u00b4tel de Police",
             "H\u00f4tel de Police"},
            {"Li\u0102\u00a8ge Avenue de l'H\u0102\u00b4pital",
             "Li\u00e8ge Avenue de l'H\u00f4pital"},
            {"T\u00e1\u00ba\u00a1i sao gi\u00c3\u00a1 h\u00e1\u00ba\u00a1t s\u00e1\u00ba\u00a7u ri\u00c3\u00aang l\u00e1\u00ba\u00a1i l\u00c3\u00aan gi\u00c3\u00a1?",
             "T\u1ea1i sao gi\u00e1 h\u1ea1t s\u1ea7u ri\u00eang l\u1ea1i l\u00ean gi\u00e1?"},
            {"Humanized HLA-DR4.RagKO.IL2R\u00ce\u00b3cKO.NOD (DRAG) mice sustain the complex vertebrate life cycle of Plasmodium falciparum malaria.",
             "Humanized HLA-DR4.RagKO.IL2R\u03b3cKO.NOD (DRAG) mice sustain the complex vertebrate life cycle of Plasmodium falciparum malaria."},
            {"It\u00c3?\u00c2\u00a2\u00e2?\u00ac\u00e2?\u00a2s classic. It\u00c3?\u00c2\u00a2\u00e2?\u00ac\u00e2?\u00a2s epic. It\u00c3?\u00c2\u00a2\u00e2?\u00ac\u00e2?\u00a2s ELIZABETH BENNET for goodness\u00c3?\u00c2\u00a2\u00e2?\u00ac\u00e2?\u00a2 sake!",
             "It\ufffd\u00a2\ufffd\ufffds classic. It\ufffd\u00a2\ufffd\ufffds epic. It\ufffd\u00a2\ufffd\ufffds ELIZABETH BENNET for goodness\ufffd\u00a2\ufffd\ufffd sake!"},
            {"Europa, Asia, \u0102\ufffdfrica, Norte, Am\u0102\u00a9rica Central y del Sur, Australia y Ocean\u0102\u00ada",
             "Europa, Asia, \ufffdfrica, Norte, Am\u00e9rica Central y del Sur, Australia y Ocean\u00eda"},
            {"It was named\u00c2 \u00e2\u20ac\u017escars\u00c2\u00b4 stones\u00e2\u20ac\u015b after the rock-climbers who got hurt while climbing on it.",
             "It was named\u00a0\"scars\u00b4 stones\" after the rock-climbers who got hurt while climbing on it."},
            {"It was named\u00c2\u00a0\u00e2\u0080\u009escars\u00c2\u00b4 stones\u00e2\u0080\u009c after the rock-climbers who got hurt while climbing on it.",
             "It was named\u00a0\"scars\u00b4 stones\" after the rock-climbers who got hurt while climbing on it."},
            {"M\u0102\u0104m dost t\u0139\u0099et\u0102\u00adho tis\u0102\u00adcilet\u0102\u00ad",
             "M\u00e1m dost t\u0159et\u00edho tis\u00edcilet\u00ed"},
            {"\u00c3\u20ac tous mes fr\u00c3\u00a8res et soeurs dans la syriennet\u00c3\u00a9 comme dans l\u2019humanit\u00c3\u00a9, sans discrimination aucune, je vous souhaite bonne f\u00c3\u00aate \u00d8\u00b9\u00d9\u0160\u00d8\u00af \u00d8\u00b3\u00d8\u00b9\u00d9\u0160\u00d8\u00af.Que la paix, la libert\u00c3\u00a9, l\u2019\u00c3\u00a9galit\u00c3\u00a9, la fraternit\u00c3\u00a9 et la dignit\u00c3\u00a9 soient avec vous.Pardonnez ce ton un peu eccl\u00c3\u00a9siastique.",
             "\u00c0 tous mes fr\u00e8res et soeurs dans la syriennet\u00e9 comme dans l'humanit\u00e9, sans discrimination aucune, je vous souhaite bonne f\u00eate \u0639\u064a\u062f \u0633\u0639\u064a\u062f.Que la paix, la libert\u00e9, l'\u00e9galit\u00e9, la fraternit\u00e9 et la dignit\u00e9 soient avec vous.Pardonnez ce ton un peu eccl\u00e9siastique."},
            {"vedere \u0102\u00aence\u0139\u0141o\u0139\u017aat\u00c4\u0083",
             "vedere \u00eence\u0163o\u015fat\u0103"},
            {"Nap\u0102\u00ad\u0139\u02c7te n\u0102\u02c7m !",
             "Nap\u00ed\u0161te n\u00e1m !"},
            {"DOS A\u00c3\u2018OS",
             "DOS A\u00d1OS"},
            {"a bigger-than-expected \u0413\u201a\u0412\u04085.8bn rights issue to satisfy the new banking regulator",
             "a bigger-than-expected \u00a35.8bn rights issue to satisfy the new banking regulator"},
            {"hotel $49 $\u00cc\u00b66\u00cc\u00b63\u00cc\u00b6 updated 2018",
             "hotel $49 $\u03366\u03363\u0336 updated 2018"},
            {"\u00c3\u00a2\u00e2\u20ac\u009d\u00e2\u20ac\u2122(\u00c3\u00a2\u00c5\u2019\u00c2\u00a3\u00c3\u2039\u00e2\u20ac\u00ba\u00c3\u00a2\u00c5\u2019\u00c2\u00a3)\u00c3\u00a2\u00e2\u20ac\u009d\u00c5\u00bd",
             "\u2512(\u2323\u02db\u2323)\u250e"},
            {"\u00c3\u00a2\u00e2\u20ac\ufffd\u00e2\u20ac\u2122(\u00c3\u00a2\u00c5\u2019\u00c2\u00a3\u00c3\u2039\u00e2\u20ac\u00ba\u00c3\u00a2\u00c5\u2019\u00c2\u00a3)\u00c3\u00a2\u00e2\u20ac\ufffd\u00c5\u00bd",
             "\ufffd(\u2323\u02db\u2323)\ufffd"},
            {"The ICR has been upgraded to \u00e2\u20ac\u0153bb+\u00e2\u20ac? from \u00e2\u20ac\u0153bb\u00e2\u20ac?",
             "The ICR has been upgraded to \"bb+\ufffd from \"bb\ufffd"},
            {"I just figured out how to tweet emojis! \u00e2\u009a\u00bd\u00ed\u00a0\u00bd\u00ed\u00b8\u0080\u00ed\u00a0\u00bd\u00ed\u00b8\u0081\u00ed\u00a0\u00bd\u00ed\u00b8\u0082\u00ed\u00a0\u00bd\u00ed\u00b8\u0086\u00ed\u00a0\u00bd\u00ed\u00b8\u008e\u00ed\u00a0\u00bd\u00ed\u00b8\u008e\u00ed\u00a0\u00bd\u00ed\u00b8\u008e\u00ed\u00a0\u00bd\u00ed\u00b8\u008e",
             "I just figured out how to tweet emojis! \u26bd\ud83d\ude00\ud83d\ude01\ud83d\ude02\ud83d\ude06\ud83d\ude0e\ud83d\ude0e\ud83d\ude0e\ud83d\ude0e"},
            {"\u00e3\u2020\u00e2\u20ac\u2122\u00e3\u0192\u00e2\u20ac \u00e3\u00a2\u00e2\u201a\u00ac\u00e2\u201e\u00a2\u00e3\u0192\u00e6\u2019\u00e3\u201a\u00e2\u00a2\u00e3\u0192\u00e2\u00a2\u00e3\u00a2\u00e2\u201a\u00ac\u00e5\u00a1\u00e3\u201a\u00e2\u00ac\u00e3\u0192\u00e2\u20ac\u0161\u00e3\u201a\u00e2",
             "\u00e3\u2020\u00e2\u20ac\u2122\u00e3\u0192\u00e2\u20ac \u00e3\u00a2\u00e2'\u00ac\u00e2\"\u00a2\u00e3\u0192\u00e6'\u00e3'\u00e2\u00a2\u00e3\u0192\u00e2\u00a2\u00e3\u00a2\u00e2'\u00ac\u00e5\u00a1\u00e3'\u00e2\u00ac\u00e3\u0192\u00e2\u20ac\u0161\u00e3'\u00e2"},
            {"Ecuador\u00e2\u0080\u0099s \u00e2\u0080\u0098purely political decision on Assange\u00e2\u0080\u0099 is likely result of \u00e2\u0080\u0098US pressure\u00e2\u0080\u0099\u0085",
             "Ecuador's 'purely political decision on Assange' is likely result of 'US pressure'\u2026"},
            {"Ecuador\u00e2\u0080\u0099s \u00e2\u0080\u0098purely political decision on Assange\u00e2\u0080\u0099 is likely result of \u00e2\u0080\u0098US pressure\u00e2\u0080\u0099\u2026",
             "Ecuador's 'purely political decision on Assange' is likely result of 'US pressure'\u2026"},
            {"Campeonatos > III Divis\u00c3\u00a3o - S\u00c3\u00a9rie F > Jornadas Classifica\u00e7\u00e3o",
             "Campeonatos > III Divis\u00e3o - S\u00e9rie F > Jornadas Classifica\u00e7\u00e3o"},
            {"\u0149 Chloroplas is \u0149 organel wat in fotosinterende plante voorkom.",
             "'n Chloroplas is 'n organel wat in fotosinterende plante voorkom."},
            {"izum \u201ebootstrap load\u201c koji je kori\u0161te\u01ccem polisilicijskog sloja proizveo dovo\u01c9no dobre kondenzatore na \u010dipu",
             "izum \"bootstrap load\" koji je kori\u0161tenjem polisilicijskog sloja proizveo dovoljno dobre kondenzatore na \u010dipu"},
            {"Nicol\u00c3\u00a1s",
             "Nicol\u00e1s"},
            {"wei\u221a\u00fc",
             "wei\u00df"},
            {"ART TRIP \u00c3\u00a0 l'office de tourisme",
             "ART TRIP \u00e0 l'office de tourisme"},
            {"This is signi\u043f\u00ac\u0403cantly lower than the respective share",
             "This is significantly lower than the respective share"},
            {"\u00c3 perturber la r\u00c3\u00a9flexion des th\u00c3\u00a9ologiens jusqu'\u00c3 nos jours",
             "\u00e0 perturber la r\u00e9flexion des th\u00e9ologiens jusqu'\u00e0 nos jours"},
            {"Le bar\u00c3\u00a8me forfaitaire permet l\u2019\u00c3\u00a9valuation des frais de d\u00c3\u00a9placement relatifs \u00c3 l\u2019utilisation",
             "Le bar\u00e8me forfaitaire permet l'\u00e9valuation des frais de d\u00e9placement relatifs \u00e0 l'utilisation"},
            {"com especial aten\u00c3\u00a7\u00c3\u00a3o \u00c3 s crian\u00c3\u00a7as",
             "com especial aten\u00e7\u00e3o \u00e0s crian\u00e7as"},
            {"La r\u0413\u00a9gion de Dnepropetrovsk se trouve \u0413 l\u0432\u0402\u2122ouest de l\u0432\u0402\u2122Ukraine",
             "La r\u00e9gion de Dnepropetrovsk se trouve \u00e0 l'ouest de l'Ukraine"},
            {"eliminado o ant\u00c3\u00adgeno e mantidos os n\u00c3\u00adveis de anticorpos, surgem as condi\u00c3\u00a7\u00c3\u00b5es necess\u00c3\u00a1rias ao estabelecimento do granuloma, semelhante \u00c3 quele observado nas les\u00c3\u00b5es por imunocomplexo em excesso de anticorpos",
             "eliminado o ant\u00edgeno e mantidos os n\u00edveis de anticorpos, surgem as condi\u00e7\u00f5es necess\u00e1rias ao estabelecimento do granuloma, semelhante \u00e0quele observado nas les\u00f5es por imunocomplexo em excesso de anticorpos"},
            {"C\u00c3\u00a0nan nan G\u00c3\u00a0idheal",
             "C\u00e0nan nan G\u00e0idheal"},
            {"Blog Traffic Tip 2 \u0432\u0402\u201c Broadcast Email Your Blog",
             "Blog Traffic Tip 2 \u2013 Broadcast Email Your Blog"},
            {"S&P Confirms Ukrsotsbank\u0432\u0402\u2122s \u0432\u0402\u045aB-\u0432\u0402\u045a Rating",
             "S&P Confirms Ukrsotsbank's \"B-\" Rating"},
            {"onge\u00c3\u00abvenaard",
             "onge\u00ebvenaard"},
            {"10\u00ce&frac14;s",
             "10\u03bcs"},
            {"Merci de t\u201a\u00c4\u00f6\u221a\u2020\u221a\u2202\u00ac\u00a8\u00ac\u00a9l\u201a\u00c4\u00f6\u221a\u2020\u221a\u2202\u00ac\u00a8\u00ac\u00a9charger le plug-in Flash Player 8",
             "Merci de t\u00e9l\u00e9charger le plug-in Flash Player 8"},
            {"Merci de bien vouloir activiter le Javascript dans votre navigateur web afin d'en profiter\u201a\u00c4\u00b6",
             "Merci de bien vouloir activiter le Javascript dans votre navigateur web afin d'en profiter\u2026"},
            {"Le Vigne di Zam\u221a\u2264",
             "Le Vigne di Zam\u00f2"},
            {"Engkau masih yg terindah, indah di dalam hatiku\u00e2\u2122\u00ab~",
             "Engkau masih yg terindah, indah di dalam hatiku\u266b~"},
            {"\u00c5 veices ba\u00c5\u2020\u00c4\u00b7ieri gaida konkr\u00c4\u201ctus invest\u00c4\u00abciju projektus",
             "\u0160veices ba\u0146\u0137ieri gaida konkr\u0113tus invest\u012bciju projektus"},
            {"\u00c5 iaip \u00c4\u00c6domu, kaip \u00c4\u00c6sivaizduoji. Vis\u00c5\u00b3 pirma tam reikia laiko.",
             "\u0160iaip \u012fdomu, kaip \u012fsivaizduoji. Vis\u0173 pirma tam reikia laiko."},
            {"Lietuva pagr\u00c4\u017bstai gali paklausti: \u0139\u02ddinoma, kad ne.",
             "Lietuva pagr\u012fstai gali paklausti: \u017dinoma, kad ne."},
            {"\u00d7\u2018\u00d7\u201d\u00d7\u2022\u00d7\u201c\u00d7\u00a2\u00d7\u201d",
             "\u05d1\u05d4\u05d5\u05d3\u05e2\u05d4"},
            {"Ningbo\u00ef\u00bc\u0152China",
             "Ningbo,China"},
            {"\u0397 \u00a8\u03b1\u03bd\u03b1\u03c4\u03c1\u03bf\u03c6\u03ae\u00a8 \u03b4\u03c5\u03c3\u03c4\u03c5\u03c7\u03ce\u03c2 \u03b1\u03c0\u03cc \u03c4\u03bf\u03c5\u03c2 \u03c0\u03c1\u03bf\u03c0\u03bf\u03bd\u03b7\u03c4\u03ad\u03c2",
             "\u0397 \u00a8\u03b1\u03bd\u03b1\u03c4\u03c1\u03bf\u03c6\u03ae\u00a8 \u03b4\u03c5\u03c3\u03c4\u03c5\u03c7\u03ce\u03c2 \u03b1\u03c0\u03cc \u03c4\u03bf\u03c5\u03c2 \u03c0\u03c1\u03bf\u03c0\u03bf\u03bd\u03b7\u03c4\u03ad\u03c2"},
            {"higher values (\u201c+\u201d and \u201c\u00d7\u201d curves) in the superficial region",
             "higher values (\"+\" and \"\u00d7\" curves) in the superficial region"},
            {"Bremer/Mccoy \u2013 Dr\u00c3\u00a5ber",
             "Bremer/Mccoy \u2013 Dr\u00c3\u00a5ber"},
            {"Con il corpo e lo spirito ammaccato,\u00a0\u00e8 come se nel cuore avessi un vetro conficcato.",
             "Con il corpo e lo spirito ammaccato,\u00a0\u00e8 come se nel cuore avessi un vetro conficcato."},
            {"4288\u00d7\u2026",
             "4288\u00d7\u2026"},
            {"``toda produzida pronta pra assa a\u00ed\u00b4\u00b4",
             "``toda produzida pronta pra assa a\u00ed\u00b4\u00b4"},
            {"HUHLL \u00d5\u2026",
             "HUHLL \u00d5\u2026"},
            {"RETWEET SE VOC\u00ca\u2026",
             "RETWEET SE VOC\u00ca\u2026"},
            {"PARCE QUE SUR LEURS PLAQUES IL Y MARQU\u00c9\u2026",
             "PARCE QUE SUR LEURS PLAQUES IL Y MARQU\u00c9\u2026"},
            {"TEM QUE SEGUIR, SDV S\u00d3\u2026",
             "TEM QUE SEGUIR, SDV S\u00d3\u2026"},
            {"Join ZZAJ\u00c9\u2019s Official Fan List and receive news, events, and more!",
             "Join ZZAJ\u00c9's Official Fan List and receive news, events, and more!"},
            {"L\u2019\u00e9pisode 8 est trop fou ouahh",
             "L'\u00e9pisode 8 est trop fou ouahh"},
            {"\u00d4\u00f4\u00f4 VIDA MINHA",
             "\u00d4\u00f4\u00f4 VIDA MINHA"},
            {"[x]\u00a0\u00a9",
             "[x]\u00a0\u00a9"},
            {"2012\u2014\u221e",
             "2012\u2014\u221e"},
            {"SENS\u0415 - Oleg Tsedryk",
             "SENS\u0415 - Oleg Tsedryk"},
            {"OK??:(   `\u00ac\u00b4    ):",
             "OK??:(   `\u00ac\u00b4    ):"},
            {"( o\u00ac\u00f4 )",
             "( o\u00ac\u00f4 )"},
            {"\u2206\u00b0",
             "\u2206\u00b0"},
            {"ESSE CARA AI QUEM \u00c9\u00bf",
             "ESSE CARA AI QUEM \u00c9\u00bf"},
            {"``hogwarts nao existe, voce nao vai pegar o trem pra l\u00e1\u00b4\u00b4",
             "``hogwarts nao existe, voce nao vai pegar o trem pra l\u00e1\u00b4\u00b4"},
            {"SELK\u00c4\u00a0EDELL\u00c4\u00a0MAAHAN via @YouTube",
             "SELK\u00c4\u00a0EDELL\u00c4\u00a0MAAHAN via @YouTube"},
            {"Offering 5\u00d7\u00a335 pin ups",
             "Offering 5\u00d7\u00a335 pin ups"},
            {"NESTL\u00c9\u00ae requiere contratar personal para diferentes areas a nivel nacional e internacional",
             "NESTL\u00c9\u00ae requiere contratar personal para diferentes areas a nivel nacional e internacional"},
            {"Connect with \u0100\u00f8 on Facebook",
             "Connect with \u0100\u00f8 on Facebook"},
            {"C'est vrai que nous n'en avons pas encore beaucoup parl\u00e9\u0085 Tu sais, \u00e7a fait de nombreuses ann\u00e9es",
             "C'est vrai que nous n'en avons pas encore beaucoup parl\u00e9\u2026 Tu sais, \u00e7a fait de nombreuses ann\u00e9es"},
            {"C O N C L U S \u00c3 O",
             "C O N C L U S \u00c3 O"},
            {"Oborzos, per. Vahbarz, fratarak\u00e1\u00a7 141",
             "Oborzos, per. Vahbarz, fratarak\u00e1\u00a7 141"},
            {"(-1/2)! = \u221a\u03c0",
             "(-1/2)! = \u221a\u03c0"},
            {"\u251c\u2524a\u253c\u2510a\u253c\u2510a\u253c\u2510a\u253c\u2510a",
             "\u251c\u2524a\u253c\u2510a\u253c\u2510a\u253c\u2510a\u253c\u2510a"},
            {"voil\u00c3  le travail",
             "voil\u00e0 le travail"},
            {"voil\u00c3 le travail",
             "voil\u00e0 le travail"},
            {"\u00d7\u2018\u00d7\u201d\u00d7\u2022\u00d7\u201c\u00d7\u02d8\u00d7\u201d",
             "\u05d1\u05d4\u05d5\u05d3\u05e2\u05d4"},
            {"\u25ca\u00eb\u25ca\u00ee\u25ca\u00ef\u25ca\u00ec\u25ca\u00a2\u25ca\u00ee",
             "\u05d1\u05d4\u05d5\u05d3\u05e2\u05d4"},
            {"\u00d7\u0090\u00d7\u0091\u00d7\u0091\u00d7\u0090",
             "\u05d0\u05d1\u05d1\u05d0"},
            {"\u00d8\u00b1\u00d8\u00b3\u00d8\u00a7\u00d9\u201e\u00d8\u00a9",
             "\u0631\u0633\u0627\u0644\u0629"},
            {"\u0158\u00b1\u0158\u0142\u0158\u00a7\u016e\u201e\u0158\u00a9",
             "\u0631\u0633\u0627\u0644\u0629"},
            {"\u00ff\u00b1\u00ff\u2265\u00ff\u00df\u0178\u00d1\u00ff\u00a9",
             "\u0631\u0633\u0627\u0644\u0629"},
            {"I'm not such a fan of Charlotte Bront\u00eb\u2026\u201d",
             "I'm not such a fan of Charlotte Bront\u00eb\u2026\""},
            {"AH\u00c5\u2122, the new sofa from IKEA",
             "AH\u00c5\u2122, the new sofa from IKEA"},
            {"\u0412\u0406\u041a\u0406 is Ukrainian for WIKI",
             "\u0412\u0406\u041a\u0406 is Ukrainian for WIKI"},
            {"These control characters \u001a are apparently intentional \u0081",
             "These control characters  are apparently intentional \u0081"},
            {"Here's a control character: \u001a",
             "Here's a control character: "},
            {"a radius of 10 \u00c5\u2014",
             "a radius of 10 \u00c5\u2014"},
            {"!YO S\u00c9\u00a1",
             "!YO S\u00c9\u00a1"},
            {"<40\\% vs \u00e2\u0089\u00a540\\%",
             "<40\\% vs \u226540\\%"},
            {"\u00e2\u0080\u009cmismatched quotes\u0085\u0094",
             "\"mismatched quotes\u2026\""},
            {"\u00e2\u20ac\u0153mismatched quotes\u00e2\u20ac\u00a6\u201d",
             "\"mismatched quotes\u2026\""},
            {"\u00e2\u20ac\u0153lossy decoding\u00e2\u20ac\ufffd",
             "\"lossy decoding\ufffd"},
            {"ao\u00c3\u00bbt",
             "ao\u00fbt"},
            {"H\u00c3\u201dTEL",
             "H\u00d4TEL"},
            {"C\u00c3\u2122IS",
             "C\u00d9IS"},
            {"NICIODAT\u0102\u00a0",
             "NICIODAT\u0102\u00a0"},
            {"There are a lot of \u00c3\u2019s in mojibake text",
             "There are a lot of \u00c3's in mojibake text"},
            {"NICIODAT\u0102\u2122",
             "NICIODAT\u0102\u2122"},
            {"TRANSFORMATORI\u0172\u2122",
             "TRANSFORMATORI\u0172\u2122"},
            {"H\u00c5\u00d8YA ER BL\u00c5\u00d8YD",
             "H\u00c5\u00d8YA ER BL\u00c5\u00d8YD"},
            {"\u014c\u00aco",
             "\u014c\u00aco"},
            {"\u041f\u043e\u0437\u0434\u0440\u0430\u0432\u0402\u0430\u0432\u043e",
             "\u041f\u043e\u0437\u0434\u0440\u0430\u0432\u0402\u0430\u0432\u043e"},
            {"O\u00c3\u2122 ET QUAND?",
             "O\u00d9 ET QUAND?"}
    };

    @TestFactory
    Stream<DynamicTest> ftfyTestSuiteCases() {
        return Arrays.stream(CASES).map(c -> DynamicTest.dynamicTest(c[0], () -> {
            assertEquals(c[1], Ftfy.fixText(c[0]));
            String extraBad = new String(c[0].getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            assertEquals(c[1], Ftfy.fixText(extraBad), "with an extra layer of mojibake");
        }));
    }

    @Test
    void fixEncodingExamples() {
        assertEquals("\u00f3", FtfyEncoding.fixEncoding("\u00c3\u00b3"));
        assertEquals("s\u00f3", FtfyEncoding.fixEncoding("s\u00c3\u00b3"));
        assertEquals("&ATILDE;&SUP3;", FtfyEncoding.fixEncoding("&ATILDE;&SUP3;"));
        assertEquals("sch\u00f6n", Ftfy.fixText("sch\u00c3\u00b6n"));
    }

    @Test
    void unescapeHtmlExamples() {
        assertEquals("<tag>", FtfyFixes.unescapeHtml("&lt;tag&gt;"));
        assertEquals("\ud835\udca5ohn \u210bancock", FtfyFixes.unescapeHtml("&Jscr;ohn &HilbertSpace;ancock"));
        assertEquals("\u2713", FtfyFixes.unescapeHtml("&checkmark;"));
        assertEquals("P\u00e9rez", FtfyFixes.unescapeHtml("P&eacute;rez"));
        assertEquals("P\u00c9REZ", FtfyFixes.unescapeHtml("P&EACUTE;REZ"));
        assertEquals("BUNDESSTRASSE", FtfyFixes.unescapeHtml("BUNDESSTRA&SZLIG;E"));
        assertEquals("\u00f1 \u00d1 \u00d1 &nTILDE;", FtfyFixes.unescapeHtml("&ntilde; &Ntilde; &NTILDE; &nTILDE;"));
        // not a complete reference: left alone (html.unescape would decode these)
        assertEquals("this&not that &amp", FtfyFixes.unescapeHtml("this&not that &amp"));
    }

    @Test
    void htmlIsLeftAloneOnceALineHasAnAngleBracket() {
        assertEquals("HTML entities <3", Ftfy.fixText("HTML entities &lt;3"));
        assertEquals("<em>HTML entities &lt;3</em>", Ftfy.fixText("<em>HTML entities &lt;3</em>"));
        // the switch is sticky for the following lines
        assertEquals("a < b\n&lt;", Ftfy.fixText("a < b\n&lt;"));
        assertEquals("&\na < b", Ftfy.fixText("&amp;\na < b"));
    }

    @Test
    void singleFixes() {
        assertEquals("fluffiest", FtfyFixes.fixLatinLigatures("\ufb02u\ufb03e\ufb06"));
        assertEquals("LOUD NOISES", FtfyFixes.fixCharacterWidth("\uff2c\uff2f\uff35\uff24\u3000\uff2e\uff2f\uff29\uff33\uff25\uff33"));
        assertEquals("U\u30bf\u30fc\u30f3", FtfyFixes.fixCharacterWidth("\uff35\uff80\uff70\uff9d"));
        assertEquals("\"here's a test\"", FtfyFixes.uncurlQuotes("\u201chere\u2019s a test\u201d"));
        assertEquals("a\nb\nc\nd\ne\nf", FtfyFixes.fixLineBreaks("a\r\nb\rc\u2028d\u2029e\u0085f"));
        assertEquals("\ud83d\udca9 \ufffd\ufffd", FtfyFixes.fixSurrogates("\ud83d\udca9 \udca9\ud83d"));
        assertEquals("I'm blue, da ba dee da ba doo...",
                FtfyFixes.removeTerminalEscapes("\u001b[36;44mI'm blue, da ba dee da ba doo...\u001b[0m"));
        assertEquals("ab\tc\n", FtfyFixes.removeControlChars("\u0000a\u0007b\tc\n\ufeff\u206a"));
        assertEquals("\u20ac \u0081 \u0178", FtfyFixes.fixC1Controls("\u0080 \u0081 \u009f"));
    }

    @Test
    void badnessHeuristic() {
        assertEquals(true, FtfyBadness.isBad("caf\u00c3\u00a9"));
        assertEquals(false, FtfyBadness.isBad("caf\u00e9"));
        assertEquals(false, FtfyBadness.isBad("Charlotte Bront\u00eb\u2026\u201d"));
    }
}
