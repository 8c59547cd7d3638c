import CLDNS
// The Resolver module.
let _ldnsVersion = ldns_version
