/** The functions manifest.yml names, grouped by kind. Nothing else belongs here. */

// Resolvers (one per UI surface)
export { handler as portfolioResolver } from './resolvers/portfolio';
