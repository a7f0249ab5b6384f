// What the page takes from libphonenumber-js (its "min" metadata: enough to format and to tell
// a number's country, as c2c's dial policy does with libphonenumber's own data):
// scripts/vendor-phone-js bundles it into assets/vendor/.
export { AsYouType, getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js/min";
