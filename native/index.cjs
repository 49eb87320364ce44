'use strict';
// Loads the compiled addon. The package is an npm workspace of meshlet, so `npm ci` builds it (node-gyp).
const path = require('node:path');
module.exports = require(path.join(__dirname, 'build', 'Release', 'meshlet_native.node'));
