import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ATP_CATEGORIES } from '@atp/approval-routing';
import { ReferenceRejectionSchema } from '@atp/platform-messaging';
import type { CategorySuggestion } from '../../categorization/categorizer';
import type { AttemptView, DocumentView } from '../submission-view';
import { SUBMISSION_STATUSES } from '../submission-status';

// A submission as SubmissionViews builds it. The header is selected by column (typed Record<string, unknown>):
// the summary below is what SUMMARY_SELECT's aliases promise; documents and attempts `implement` their views.
const text = { type: String, nullable: true } as const;
const time = { type: String, format: 'date-time' } as const;
const nullableTime = { ...time, nullable: true } as const;
const category = { enum: ATP_CATEGORIES, nullable: true } as const;
export const DOCUMENT_TYPES = [
  'ATP_DOCUMENT',
  'ATP_SOFTWARE',
  'ATP_HARDWARE',
  'ATP_COMBINED',
  'ATP_BULK',
  'SITE_PHOTO',
  'INSTALLATION_PHOTO',
  'COMPLETION_CERT',
] as const;

type SuggestedCategory = NonNullable<DocumentView['suggestedCategory']>;
type ConfigVersionIds = AttemptView['configVersionIds'];
type StartRefusal = NonNullable<AttemptView['startRefusal']>;

@ApiSchema({ name: 'SuggestedCategory' })
export class SuggestedCategorySchema implements SuggestedCategory {
  @ApiProperty(category) category!: string | null;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty({ ...text, example: 'filename_analysis' }) method!: string | null;
}

@ApiSchema({ name: 'SubmissionDocument' })
export class DocumentViewSchema implements DocumentView {
  @ApiProperty() documentId!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: DOCUMENT_TYPES }) documentType!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: 'integer' }) sizeBytes!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty({ type: () => SuggestedCategorySchema, nullable: true, description: 'null: no suggestion was made' })
  suggestedCategory!: SuggestedCategorySchema | null;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty(time) uploadedAt!: string;
}

@ApiSchema({ name: 'PinnedConfigVersions' })
export class AttemptConfigVersionsSchema implements ConfigVersionIds {
  @ApiProperty() approvalMatrix!: string;
  @ApiProperty() clusterMapping!: string;
  @ApiProperty() scopeConfig!: string;
}

@ApiSchema({ name: 'StartRefusal' })
export class StartRefusalSchema implements StartRefusal {
  @ApiProperty({ description: 'why workflow-service could not start the approved attempt' }) reason!: string;
  @ApiProperty(text) detail!: string | null;
}

@ApiSchema({ name: 'SubmissionAttempt' })
export class AttemptViewSchema implements AttemptView {
  @ApiProperty({ type: 'integer' }) attemptNumber!: number;
  @ApiProperty({ enum: SUBMISSION_STATUSES }) status!: string;
  @ApiProperty() documentId!: string;
  @ApiProperty({ enum: ATP_CATEGORIES }) atpCategory!: string;
  @ApiProperty(text) workflowInstanceId!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) currentStageNumber!: number | null;
  @ApiProperty({ type: () => AttemptConfigVersionsSchema }) configVersionIds!: AttemptConfigVersionsSchema;
  @ApiProperty() submittedBy!: string;
  @ApiProperty(time) submittedAt!: string;
  @ApiProperty({ enum: ['APPROVE', 'REJECT'], nullable: true }) qaDecision!: string | null;
  @ApiProperty(text) qaDecidedBy!: string | null;
  @ApiProperty(text) qaComment!: string | null;
  @ApiProperty({ type: () => StartRefusalSchema, nullable: true }) startRefusal!: StartRefusalSchema | null;
  @ApiProperty(nullableTime) approvedAt!: string | null;
  @ApiProperty(nullableTime) completedAt!: string | null;
  @ApiProperty(nullableTime) rejectedAt!: string | null;
}

/** A submission in a list: its header. */
@ApiSchema({ name: 'SubmissionSummary' })
export class SubmissionSummarySchema {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty({ enum: SUBMISSION_STATUSES }) status!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty() siteCode!: string;
  @ApiProperty() scopeCode!: string;
  @ApiProperty(text) vendorCode!: string | null;
  @ApiProperty(category) atpCategory!: string | null;
  @ApiProperty({ enum: ['EXPLICIT', 'SUGGESTED', 'OVERRIDE'], nullable: true }) categoryMethod!: string | null;
  @ApiProperty(text) title!: string | null;
  @ApiProperty({ type: 'integer' }) attemptNumber!: number;
  @ApiProperty(text) workflowInstanceId!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) currentStageNumber!: number | null;
  @ApiProperty(text) primaryDocumentId!: string | null;
  @ApiProperty({ type: 'integer' }) documentCount!: number;
  @ApiProperty(nullableTime) submittedAt!: string | null;
  @ApiProperty(nullableTime) approvedAt!: string | null;
  @ApiProperty(nullableTime) completedAt!: string | null;
  @ApiProperty(nullableTime) rejectedAt!: string | null;
  @ApiProperty(time) lastActionAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty(time) createdAt!: string;
}

/** One submission: header, every document version, every attempt, refused references. */
@ApiSchema({ name: 'Submission' })
export class SubmissionViewSchema extends SubmissionSummarySchema {
  @ApiProperty({ type: () => StartRefusalSchema, nullable: true, description: 'of the current attempt' })
  startRefusal!: StartRefusalSchema | null;
  @ApiProperty({ type: () => DocumentViewSchema, isArray: true }) documents!: DocumentViewSchema[];
  @ApiProperty({ type: () => AttemptViewSchema, isArray: true }) attempts!: AttemptViewSchema[];
  @ApiProperty({ type: () => ReferenceRejectionSchema, isArray: true })
  referenceRejections!: ReferenceRejectionSchema[];
}

type UploadSuggestion = Pick<CategorySuggestion, 'category' | 'confidence' | 'method' | 'reason'>;

@ApiSchema({ name: 'UploadSuggestion' })
export class UploadSuggestionSchema implements UploadSuggestion {
  @ApiProperty(category) category!: CategorySuggestion['category'];
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty({ enum: ['filename_analysis'] }) method!: CategorySuggestion['method'];
  @ApiProperty({ description: 'the keywords that scored, or why there is none' }) reason!: string;
}

/** An uploaded document version and the classifier's suggestion for its file name. */
@ApiSchema({ name: 'UploadedDocument' })
export class UploadedDocumentSchema implements Omit<DocumentView, 'suggestedCategory'> {
  @ApiProperty() documentId!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: DOCUMENT_TYPES }) documentType!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: 'integer' }) sizeBytes!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty({ type: () => UploadSuggestionSchema }) suggestedCategory!: UploadSuggestionSchema;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty(time) uploadedAt!: string;
}

type Categorized = Omit<CategorySuggestion, 'scores'>;

/** The classifier's answer for a file name (`category` null: no keyword scored). */
@ApiSchema({ name: 'CategorySuggestion' })
export class CategorizeResultSchema extends UploadSuggestionSchema implements Categorized {
  @ApiProperty({ description: 'confidence below the review threshold' }) needsReview!: boolean;
}
