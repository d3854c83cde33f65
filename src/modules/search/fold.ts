/**
 * The one folding of text for search, the JavaScript twin of SQL `vn_fold` (migration 0011): NFC,
 * letters to lower-case ASCII without diacritics ("Hỏa tốc" → "hoa toc", "Đ"/"Ð" → "d", "hoà" = "hòa"),
 * combining marks (U+0300–U+036F) dropped, every run of other characters one space, no space at
 * either end. The table is the migration's, character for character; test/search-fold.test.ts
 * compares the two over the Vietnamese alphabet and random text.
 */

/** Characters translated (same order as in vn_fold) and what each becomes. */
const FROM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹĐđÐ';
const TO = 'abcdefghijklmnopqrstuvwxyzaaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyyaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyddd';

const MAP = new Map<string, string>();
{
  const from = [...FROM];
  const to = [...TO];
  for (let i = 0; i < from.length; i++) MAP.set(from[i]!, to[i]!);
  for (let c = 0x300; c <= 0x36f; c++) MAP.set(String.fromCodePoint(c), '');
}

const isWordChar = (c: string) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

/** vn_fold in JavaScript: the same string the database indexes. */
export function fold(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC')) out += MAP.get(ch) ?? ch;
  return out.replace(/[^a-z0-9]+/g, ' ').trim();
}

/**
 * The folding with, for each character of `folded`, the range [start, end) of the original
 * characters (UTF-16 offsets into `s`) it came from; a space stands for the whole run of other
 * characters it replaced. Lets a match found in folded text be highlighted in the original.
 * Works on clusters (a character with its combining marks), so decomposed (NFD) input maps too.
 */
export function foldWithMap(s: string): { folded: string; start: number[]; end: number[] } {
  let folded = '';
  const start: number[] = [];
  const end: number[] = [];
  let gap = -1; // start of a pending run of other characters, -1 when none
  const clusters = s.match(/\P{M}\p{M}*|\p{M}+/gsu) ?? [];
  let at = 0;
  for (const cluster of clusters) {
    const from = at;
    at += cluster.length;
    for (const ch of cluster.normalize('NFC')) {
      for (const c of MAP.get(ch) ?? ch) {
        if (!isWordChar(c)) {
          if (gap < 0) gap = from;
          continue;
        }
        if (gap >= 0 && folded.length > 0) {
          folded += ' ';
          start.push(gap);
          end.push(from);
        }
        gap = -1;
        folded += c;
        start.push(from);
        end.push(at);
      }
    }
  }
  return { folded, start, end };
}
