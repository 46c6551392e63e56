module.exports = (s) => (s.match(/[aeiou]/gi) || []).length;
