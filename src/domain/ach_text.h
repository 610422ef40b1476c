#pragma once
// Names from people in ACH (NACHA) files, pure. A NACHA alphanumeric field holds printable
// ASCII (0x20-0x7E), upper case by custom; a holder's or a company's name may be any UTF-8.
#include <string>
#include <string_view>

namespace remit::domain {

// The text as an ACH file may carry it, never refused: upper case; the letters of the Latin-1
// Supplement and Latin Extended-A (U+00C0-U+017F) as their base letters (É -> E, Ñ -> N,
// ß -> SS, Æ -> AE, Ø -> O, Ł -> L, Œ -> OE, Þ -> TH); combining accents (U+0300-U+036F)
// dropped; any other non-ASCII character, control character or invalid UTF-8 byte a blank;
// runs of blanks one blank, none at either end. "José Núñez" -> "JOSE NUNEZ".
std::string ach_text(std::string_view utf8);

}  // namespace remit::domain
