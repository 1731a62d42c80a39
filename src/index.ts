/** The functions manifest.yml names, grouped by kind. Nothing else belongs here. */

// Resolvers (one per UI surface)
export { handler as portfolioResolver } from './resolvers/portfolio';
export { handler as projectResolver } from './resolvers/project';
export { handler as issuePanelResolver } from './resolvers/panel';
export { handler as statusReportResolver, adfExport as statusReportExport } from './resolvers/report';
export { handler as settingsResolver } from './resolvers/settings';

// Jira's calls for the app's fields (the Budget variance value on the issue view)
export { budgetVarianceValue } from './resolvers/fields/budgetVariance';

// Background: scheduled sync, the sync queue's consumer, product events
export { scheduledSync, syncConsumer, productEvent } from './sync/handlers';

// Jira's workflow validator: the PMO's compliance rules enforced on transitions
export { complianceGate } from './resolvers/gate/validator';
