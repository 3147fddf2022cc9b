import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Author } from "./Author";

// No name given: SnakeNamingStrategy derives the table "post".
@Entity()
export class Post {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  title!: string;

  @Column({ type: "text" })
  body!: string;

  @Column()
  publishedAt!: Date;

  @ManyToOne(() => Author, (author) => author.posts)
  author!: Author;

  @ManyToOne(() => Author)
  @JoinColumn({ name: "editor_ref" })
  editor!: Author;
}
